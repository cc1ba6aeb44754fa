import { join } from 'node:path';
import { collectRollouts, type PolicySpec } from '@worldmodels/envs';
import { ENV_KINDS } from '../config/env-kinds.js';
import type { RunConfig } from '../config/schema.js';
import type { AgentPolicyOptions } from '../collect/agent-policy.js';
import { packageModulePath } from '../module-paths.js';
import type { Stage } from '../run/stage.js';
import { stageSeed } from './stage-seed.js';
import { CONTROLLER_FILE, DATA_DIR, stageDir, stageName } from './stage-paths.js';

/**
 * Paper step 1: rollouts of the env with the data policy into the data set store. In later
 * iterations of the iterative procedure the policy is the previous iteration's agent.
 */
export function collectStage(config: RunConfig, iteration: number): Stage {
  const info = ENV_KINDS[config.env];
  const previous = iteration > 1 ? iteration - 1 : null;
  const inputs = previous ? [stageName('vae', previous), stageName('mdnrnn', previous), stageName('controller', previous)] : [];
  const policyName = previous ? 'previous-agent' : config.collect.policy;
  const episodes = previous ? (config.iterative.episodes ?? config.collect.episodes) : config.collect.episodes;
  const explore = previous ? config.iterative.explore : 0;
  const maxSteps = previous ? (config.iterative.maxSteps ?? config.collect.maxSteps) : config.collect.maxSteps;
  return {
    name: stageName('collect', iteration),
    dir: stageDir('collect', iteration),
    inputs,
    settings: { env: info.envId, preprocess: info.preprocess, seed: config.seed, iteration, ...config.collect, episodes, maxSteps, policy: policyName, workers: undefined, ...(explore > 0 && { explore }) },
    async run(ctx) {
      let policy: PolicySpec;
      if (previous) {
        const options: AgentPolicyOptions = {
          kind: config.env,
          mode: 'trained',
          form: config.controller.form,
          zSize: config.vae.zSize,
          hiddenSize: config.mdnrnn.hiddenSize,
          hiddenUnits: config.controller.hiddenUnits,
          vaeDir: ctx.inputs[stageName('vae', previous)]!,
          mdnrnnDir: ctx.inputs[stageName('mdnrnn', previous)]!,
          controllerFile: join(ctx.inputs[stageName('controller', previous)]!, CONTROLLER_FILE),
          backend: config.backend,
          explore,
        };
        policy = { kind: 'module', module: packageModulePath('collect/agent-policy'), options: { ...options } };
      } else if (config.collect.policy === 'random-agent') {
        const options: AgentPolicyOptions = {
          kind: config.env,
          mode: 'random',
          form: config.controller.form,
          zSize: config.vae.zSize,
          hiddenSize: config.mdnrnn.hiddenSize,
          hiddenUnits: config.controller.hiddenUnits,
          vaeWidth: config.vae.width,
          backend: config.backend,
        };
        policy = { kind: 'module', module: packageModulePath('collect/agent-policy'), options: { ...options } };
      } else {
        policy = config.collect.policy;
      }
      const result = await collectRollouts({
        env: info.envId,
        preprocess: info.preprocess,
        policy,
        episodes,
        workers: config.collect.workers,
        out: join(ctx.dir, DATA_DIR),
        seed: stageSeed(config.seed, 'collect', iteration),
        ...(maxSteps !== undefined && { maxSteps }),
        onEpisode: (s) => void ctx.metrics.log({ episode: s.index, length: s.length, return: s.return, terminated: s.terminated }),
      });
      return { episodes, collected: result.collected, kept: result.kept, steps: result.steps, seconds: result.seconds };
    },
  };
}
