import { Rng } from '@worldmodels/core/rng';
import { checkDiscreteAction, EpisodeState } from '../action-check.js';
import type { Env, EnvDoc, Info, RenderFrame, RenderMode, ResetResult, StepResult } from '../env.js';
import { Box, Discrete } from '../spaces.js';
import { DEFAULT_TAKE_COVER_CONFIG, type TakeCoverConfig } from './take-cover-config.js';
import { TakeCoverRenderer } from './take-cover-renderer.js';
import { newTakeCoverState, stepTakeCover, type Strafe, type TakeCoverState } from './take-cover-sim.js';

/** Agent actions of TakeCover-v0 (Discrete(3)). */
export const TAKE_COVER_ACTIONS = ['LEFT', 'STAY', 'RIGHT'] as const;

/**
 * Maps the reference controller's single output in [−1, 1] to an action index: below −1/3 is
 * LEFT, above 1/3 is RIGHT, else STAY (the World Models Doom agent's thresholds).
 */
export function takeCoverActionFromScalar(a: number): number {
  if (!Number.isFinite(a)) throw new Error(`TakeCover-v0: controller output must be a finite number, got ${a}`);
  return a < -1 / 3 ? 0 : a > 1 / 3 ? 2 : 1;
}

export interface TakeCoverOptions {
  /** Episode cap in steps (default 2100, VizDoom's take_cover timeout). */
  maxSteps?: number;
  /** Supersampling factor of the 64×64 observation (default 2: drawn at 128×128, box-filtered). */
  supersample?: number;
  /** Overrides of the game's numbers (room size, monster pace, damage…), see TakeCoverConfig. */
  config?: Partial<TakeCoverConfig>;
}

const OBS_SIZE = 64;
const HUMAN_WIDTH = 320;
const HUMAN_HEIGHT = 240;

export const TAKE_COVER_DOC: EnvDoc = {
  description:
    "TakeCover-v0: VizDoom's take_cover scenario rebuilt as a small ray caster. The agent stands near one wall of a rectangular brick room and can only strafe left or right (Doom walking physics: thrust 0.75, friction 0.90625, top speed 8 units/tic). Imps along the far wall wind up for 16 tics (arms raised) and hurl fireballs (10 units/tic) at where the agent stands; a hit costs 3–24 health (3·1d8, as Doom's imp fireball) and flashes the screen red. Eight imps at the start, one more every 35 tics up to 16. One step is one tic (1/35 s). A random agent (uniform actions held for 1–10 steps) survives 220 ± 65 steps over 100 seeded episodes (VizDoom, per the World Models paper: 210 ± 108; the spread here is narrower). info: health, agentX (map units, 0 = middle), agentVx, fireballs (in flight), monsters, hits, damage (this step), tick.",
  actionSpace:
    'Discrete(3): 0 LEFT, 1 STAY, 2 RIGHT. A one-element array [a] is accepted too. The reference controller outputs one number in [−1, 1]; takeCoverActionFromScalar maps it (< −1/3 LEFT, > 1/3 RIGHT).',
  observationSpace:
    'Box(0, 255, [64, 64, 3], uint8): the first-person view, HWC, with a 90° horizontal field of view and the vertical extent of a 4:3 screen squashed to a square (as the reference resized 640×480 VizDoom frames to 64×64); drawn at 128×128 and box-filtered. No HUD.',
  rewards: '+1 for every step (tic) played, including the step on which the agent dies, so the return equals the survival time.',
  episodeEnd: 'Terminated when health reaches 0. Truncated after 2100 steps (option maxSteps).',
};

/** TakeCover-v0: dodge the imps' fireballs for as long as possible (64×64×3 frames). */
export class TakeCoverEnv implements Env {
  readonly id = 'TakeCover-v0';
  readonly observationSpace = new Box({ low: 0, high: 255, shape: [OBS_SIZE, OBS_SIZE, 3], dtype: 'uint8' });
  readonly actionSpace = new Discrete(3);
  readonly doc = TAKE_COVER_DOC;

  private readonly config: TakeCoverConfig;
  private readonly renderer: TakeCoverRenderer;
  private humanRenderer: TakeCoverRenderer | null = null;
  private readonly episode = new EpisodeState(this.id);
  private rng: Rng | null = null;
  private state: TakeCoverState | null = null;
  private frame: Uint8Array | null = null;
  private lastDamage = 0;

  constructor(options: Record<string, unknown> = {}) {
    const o = parseOptions(options);
    this.config = { ...DEFAULT_TAKE_COVER_CONFIG, ...o.config, ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}) };
    this.renderer = new TakeCoverRenderer(this.config, OBS_SIZE, OBS_SIZE, o.supersample ?? 2);
  }

  reset(options: { seed?: number } = {}): ResetResult<Uint8Array> {
    this.episode.assertCanReset();
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    else if (this.rng === null) this.rng = new Rng(Math.floor(Math.random() * 2 ** 31));
    this.state = newTakeCoverState(this.rng, this.config);
    this.lastDamage = 0;
    this.episode.started();
    this.frame = this.renderer.render(this.state);
    return { observation: this.frame, info: this.info() };
  }

  step(action: number | number[] | Float32Array): StepResult<Uint8Array> {
    this.episode.assertCanStep();
    const a = checkDiscreteAction(this.id, this.actionSpace, action);
    const state = this.state!;
    this.lastDamage = stepTakeCover(state, (a - 1) as Strafe, this.rng!, this.config);
    const terminated = state.health <= 0;
    const truncated = !terminated && state.tick >= this.config.maxSteps;
    this.episode.stepped(terminated, truncated);
    this.frame = this.renderer.render(state);
    return { observation: this.frame, reward: 1, terminated, truncated, info: this.info() };
  }

  render(mode: RenderMode = 'rgb_array'): RenderFrame {
    if (this.state === null || this.frame === null) throw new Error(`${this.id}: render() called before reset()`);
    if (mode === 'rgb_array') return { data: new Uint8Array(this.frame), width: OBS_SIZE, height: OBS_SIZE, channels: 3 };
    if (mode === 'human') {
      this.humanRenderer ??= new TakeCoverRenderer(this.config, HUMAN_WIDTH, HUMAN_HEIGHT, 2);
      return { data: this.humanRenderer.render(this.state), width: HUMAN_WIDTH, height: HUMAN_HEIGHT, channels: 3 };
    }
    throw new Error(`${this.id}: unknown render mode ${JSON.stringify(mode)}; use 'rgb_array' or 'human'`);
  }

  close(): void {
    this.episode.closed();
    this.state = null;
  }

  /** The game state (read-only use: tests and tools that need the ground truth). */
  get gameState(): Readonly<TakeCoverState> | null {
    return this.state;
  }

  private info(): Info {
    const s = this.state!;
    return {
      health: s.health,
      agentX: s.agentX,
      agentVx: s.agentVx,
      fireballs: s.fireballs.length,
      monsters: s.monsters.length,
      hits: s.hits,
      damage: this.lastDamage,
      tick: s.tick,
    };
  }
}

const CONFIG_KEYS = Object.keys(DEFAULT_TAKE_COVER_CONFIG) as (keyof TakeCoverConfig)[];

function parseOptions(options: Record<string, unknown>): TakeCoverOptions {
  if (options === null || typeof options !== 'object') throw new Error(`TakeCover-v0: options must be an object, got ${String(options)}`);
  const known = ['maxSteps', 'supersample', 'config'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`TakeCover-v0: unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}`);
  }
  const out: TakeCoverOptions = {};
  const { maxSteps, supersample, config } = options;
  if (maxSteps !== undefined) {
    if (!Number.isInteger(maxSteps) || (maxSteps as number) < 1) throw new Error(`TakeCover-v0: maxSteps must be a positive integer, got ${String(maxSteps)}`);
    out.maxSteps = maxSteps as number;
  }
  if (supersample !== undefined) {
    if (!Number.isInteger(supersample) || (supersample as number) < 1 || (supersample as number) > 8) throw new Error(`TakeCover-v0: supersample must be an integer in [1, 8], got ${String(supersample)}`);
    out.supersample = supersample as number;
  }
  if (config !== undefined) {
    if (config === null || typeof config !== 'object') throw new Error('TakeCover-v0: config must be an object of TakeCoverConfig overrides');
    for (const [key, value] of Object.entries(config)) {
      if (!CONFIG_KEYS.includes(key as keyof TakeCoverConfig)) throw new Error(`TakeCover-v0: unknown config key ${JSON.stringify(key)}; known keys: ${CONFIG_KEYS.join(', ')}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`TakeCover-v0: config.${key} must be a non-negative number, got ${String(value)}`);
    }
    out.config = config as Partial<TakeCoverConfig>;
  }
  return out;
}
