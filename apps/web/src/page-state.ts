/** What the page shows about itself on `window.worldmodels` (read by people in the console and by the browser test). */
export interface PageState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  backend: string | null;
  skippedBackends: { backend: string; reason: string }[];
  env: string | null;
  envs: string[];
  driver: 'keyboard' | 'agent';
  paused: boolean;
  temperature: number;
  dream: { steps: number; score: number; episodes: number };
  real: { steps: number; score: number; episodes: number };
  /** The last action taken in the dream, as M receives it. */
  lastAction: number[];
  zSize: number;
}

export function initialPageState(): PageState {
  return {
    status: 'loading', error: null, backend: null, skippedBackends: [], env: null, envs: [], driver: 'keyboard', paused: false, temperature: 1,
    dream: { steps: 0, score: 0, episodes: 0 }, real: { steps: 0, score: 0, episodes: 0 }, lastAction: [], zSize: 0,
  };
}
