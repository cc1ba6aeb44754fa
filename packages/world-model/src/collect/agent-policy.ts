import { initBackend, type BackendName } from '@worldmodels/core';
import type { PolicyFactory } from '@worldmodels/envs';
import { MDNRNN } from '@worldmodels/mdn-rnn';
import { ConvVAE } from '@worldmodels/vae';
import { WorldModelAgent } from '../agent/world-model-agent.js';
import { ENV_KINDS, type EnvKind } from '../config/env-kinds.js';
import { actionAdapter } from '../controller/action-adapter.js';
import { readControllerParams } from '../controller/controller-init.js';
import { ControllerLayout, type ControllerForm } from '../controller/controller-layout.js';
import { loadMemory, loadVision } from '../models/load-models.js';

/** Options of the world-model data policy (plain data: they cross into worker threads). */
export interface AgentPolicyOptions {
  kind: EnvKind;
  /**
   * 'random': the CarRacing reference's data policy — V and M with random weights and, for every
   * episode, a controller with Cauchy weights scaled by U(0, 0.01) (reference extract.py).
   * 'trained': the agent of an earlier iteration (the paper's iterative procedure).
   */
  mode: 'random' | 'trained';
  form: ControllerForm;
  zSize: number;
  hiddenSize: number;
  hiddenUnits?: number;
  /** V's channel width factor (random mode). */
  vaeWidth?: number;
  /** Stage directories of V and M, and the controller file (trained mode). */
  vaeDir?: string;
  mdnrnnDir?: string;
  controllerFile?: string;
  backend?: BackendName | 'auto';
  /**
   * Exploration (trained mode): each step, with this probability, a uniformly random action is
   * taken instead of C's and held for 1–10 steps; M steps with the action taken.
   */
  explore?: number;
}

let current: WorldModelAgent | null = null;
let models: Promise<{ vae: ConvVAE; mdnrnn: MDNRNN; params: Float64Array | null }> | null = null;

async function loadModels(o: AgentPolicyOptions) {
  await initBackend({ quiet: true, ...(o.backend && { backend: o.backend }) });
  const actionSize = ENV_KINDS[o.kind].actionSize;
  if (o.mode === 'random') {
    return {
      vae: new ConvVAE({ zSize: o.zSize, ...(o.vaeWidth !== undefined && { width: o.vaeWidth }) }),
      mdnrnn: new MDNRNN({ zSize: o.zSize, actionSize, hiddenSize: o.hiddenSize }),
      params: null,
    };
  }
  if (!o.vaeDir || !o.mdnrnnDir || !o.controllerFile) throw new Error('the trained agent policy needs vaeDir, mdnrnnDir and controllerFile');
  const params = await readControllerParams(o.controllerFile);
  return { vae: await loadVision(o.vaeDir), mdnrnn: await loadMemory(o.mdnrnnDir), params };
}

/**
 * A collection policy for `collectRollouts` ({ kind: 'module' }): a world-model agent acting on
 * the (preprocessed) frames. Models load once per thread; each episode gets a fresh agent state
 * and its randomness from the episode's own stream.
 */
export const createPolicy: PolicyFactory = async ({ rng, options, actionSpace }) => {
  const o = options as unknown as AgentPolicyOptions;
  models ??= loadModels(o);
  const { vae, mdnrnn, params } = await models;
  const layout = new ControllerLayout({ form: o.form, zSize: o.zSize, hiddenSize: o.hiddenSize, outputs: actionAdapter(o.kind).outputs, ...(o.hiddenUnits !== undefined && { hiddenUnits: o.hiddenUnits }) });
  let weights: ArrayLike<number>;
  if (params) {
    weights = params;
  } else {
    const scale = rng.random() * 0.01;
    weights = layout.randomParams(() => Math.tan(Math.PI * (rng.random() - 0.5)) * scale); // standard Cauchy × scale
  }
  // Episodes of a thread run one after another: the previous episode's agent is done.
  current?.dispose();
  const agent = new WorldModelAgent({ vae, mdnrnn, layout, params: weights, actions: actionAdapter(o.kind), rng: rng.derive('agent') });
  current = agent;
  const explore = o.explore ?? 0;
  if (!(explore >= 0 && explore <= 1)) throw new Error(`agent policy: explore must be a probability in [0, 1], got ${explore}`);
  let held: number | Float32Array | Uint8Array | null = null;
  let heldLeft = 0;
  return {
    act: (observation) => {
      if (heldLeft === 0 && explore > 0 && rng.random() < explore) {
        held = actionSpace.sample(rng);
        heldLeft = 1 + rng.int(EXPLORE_MAX_HOLD);
      }
      if (heldLeft > 0) {
        heldLeft--;
        return agent.act(observation, held as number | Float32Array).action;
      }
      return agent.act(observation).action;
    },
  };
};

/** Longest hold of an exploration action (the Doom reference's data policy: 1–10 steps). */
const EXPLORE_MAX_HOLD = 10;
