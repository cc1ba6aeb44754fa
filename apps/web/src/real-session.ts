import type { Env } from '@worldmodels/envs';
import { Rng } from '@worldmodels/core/rng';
import { WorldModelAgent, actionAdapter, makeAgentEnv, type EnvKind, type MemoryModel, type VisionModel, type ControllerLayout } from '@worldmodels/world-model';

export interface RealStep {
  /** The preprocessed frame [64, 64, 3] the agent sees. */
  frame: Uint8Array;
  reward: number;
  done: boolean;
}

/**
 * The real environment (the TypeScript env of @worldmodels/envs, with the agent's frame
 * preprocessing) running in the page, driven by the keyboard or by the checkpoint's agent
 * (V + M + C, the same `WorldModelAgent` the Node CLI uses).
 */
export class RealSession {
  readonly kind: EnvKind;
  frame: Uint8Array;
  steps = 0;
  total = 0;
  episode = 0;
  private readonly env: Env<Uint8Array, any>;
  private readonly agent: WorldModelAgent;

  constructor(o: { kind: EnvKind; vae: VisionModel; mdnrnn: MemoryModel; layout: ControllerLayout; params: ArrayLike<number>; seed: number }) {
    this.kind = o.kind;
    this.env = makeAgentEnv(o.kind);
    this.agent = new WorldModelAgent({ vae: o.vae, mdnrnn: o.mdnrnn, layout: o.layout, params: o.params, actions: actionAdapter(o.kind), rng: new Rng(o.seed).derive('agent') });
    this.frame = this.env.reset({ seed: o.seed }).observation;
  }

  /** A new episode (seeds count up from the first). */
  reset(seed: number): void {
    this.episode++;
    this.agent.reset();
    this.frame = this.env.reset({ seed }).observation;
    this.steps = 0;
    this.total = 0;
  }

  /** One env step with the given env action, or with the agent's when `action` is null. */
  step(action: Float32Array | number | null): RealStep {
    const a = action ?? this.agent.act(this.frame).action;
    const res = this.env.step(a);
    this.frame = res.observation;
    this.steps++;
    this.total += res.reward;
    return { frame: res.observation, reward: res.reward, done: res.terminated || res.truncated };
  }

  dispose(): void {
    this.agent.dispose();
    this.env.close();
  }
}
