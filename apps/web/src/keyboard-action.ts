import type { EnvKind } from '@worldmodels/world-model';
import type { PageAction } from './controller-policy.js';

/** The arrow keys held down. */
export interface HeldKeys {
  left: boolean;
  right: boolean;
  up: boolean;
  down: boolean;
}

/** Brake strength while ↓ is held (full braking locks the wheels of CarRacing's car). */
export const KEY_BRAKE = 0.8;

/**
 * The arrow keys as an action. CarRacing: ←/→ steer −1/+1, ↑ gas 1, ↓ brake 0.8 (the env's action
 * [steer, gas, brake], fed to M unchanged). TakeCover: ← LEFT (0), → RIGHT (2), otherwise STAY (1);
 * M gets the move's index, as in the data set.
 */
export function keyboardAction(kind: EnvKind, keys: HeldKeys): PageAction {
  if (kind === 'carracing') {
    const a = Float32Array.of((keys.right ? 1 : 0) - (keys.left ? 1 : 0), keys.up ? 1 : 0, keys.down ? KEY_BRAKE : 0);
    return { env: a, memory: Float32Array.from(a) };
  }
  const move = keys.left && !keys.right ? 0 : keys.right && !keys.left ? 2 : 1;
  return { env: move, memory: Float32Array.of(move) };
}

const ARROWS: Record<string, keyof HeldKeys> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

/** Tracks which arrow keys are down on `target`; keys pressed since the last `take` count even if already released. */
export class KeyTracker {
  private readonly held: HeldKeys = { left: false, right: false, up: false, down: false };
  private readonly tapped: HeldKeys = { left: false, right: false, up: false, down: false };

  constructor(target: Pick<Window, 'addEventListener'>) {
    target.addEventListener('keydown', (e) => {
      const key = ARROWS[(e as KeyboardEvent).key];
      if (!key) return;
      e.preventDefault();
      this.held[key] = true;
      this.tapped[key] = true;
    });
    target.addEventListener('keyup', (e) => {
      const key = ARROWS[(e as KeyboardEvent).key];
      if (key) this.held[key] = false;
    });
  }

  /** Keys held now or tapped since the previous call. */
  take(): HeldKeys {
    const keys = { ...this.held };
    for (const k of Object.keys(this.tapped) as (keyof HeldKeys)[]) {
      keys[k] ||= this.tapped[k];
      this.tapped[k] = false;
    }
    return keys;
  }

  any(keys: HeldKeys): boolean {
    return keys.left || keys.right || keys.up || keys.down;
  }
}
