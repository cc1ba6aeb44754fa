import { Rng } from '@worldmodels/core/rng';
import { ENV_KINDS, actionAdapter, type EnvKind } from '@worldmodels/world-model';
import { selectBrowserBackend } from './browser-backend.js';
import { disposeCheckpoint, fetchCheckpoint, type BrowserCheckpoint } from './checkpoint-loader.js';
import { ControllerPolicy, type PageAction } from './controller-policy.js';
import { canvasHash, decodeLatent, drawFrame, encodeFrame } from './frames.js';
import { InteractiveDream } from './interactive-dream.js';
import { KeyTracker, keyboardAction } from './keyboard-action.js';
import { LatentExplorer } from './latent-explorer.js';
import { initialPageState, type PageState } from './page-state.js';
import { RealSession } from './real-session.js';

declare global {
  interface Window {
    worldmodels: PageState & { hashes(): Record<string, string> };
  }
}

/** Steps per second of the dream and the real env while playing. */
const STEPS_PER_SECOND = 15;

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const state = initialPageState();
const canvases = { dream: $<HTMLCanvasElement>('dream-canvas'), real: $<HTMLCanvasElement>('real-canvas'), recon: $<HTMLCanvasElement>('recon-canvas'), latent: $<HTMLCanvasElement>('latent-canvas') };
window.worldmodels = Object.assign(state, { hashes: () => Object.fromEntries(Object.entries(canvases).map(([k, c]) => [k, canvasHash(c)])) });

interface Session {
  kind: EnvKind;
  checkpoint: BrowserCheckpoint;
  dream: InteractiveDream | null;
  policy: ControllerPolicy;
  real: RealSession;
  latent: LatentExplorer;
  seed: number;
}

let session: Session | null = null;
const keys = new KeyTracker(window);

function setStatus(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = $('status');
  el.textContent = text;
  el.dataset.kind = kind;
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  state.status = 'error';
  state.error = message;
  setStatus(message, 'error');
  console.error(error);
}

function showCounters(): void {
  if (!session) return;
  const unit = session.kind === 'takecover' ? 'steps survived' : 'reward';
  $('dream-info').textContent = session.dream ? `step ${state.dream.steps} · ${unit} ${state.dream.score.toFixed(session.kind === 'takecover' ? 0 : 1)} · episode ${state.dream.episodes + 1}` : 'no dream: this checkpoint ships no initial latents';
  $('real-info').textContent = `step ${state.real.steps} · ${unit} ${state.real.score.toFixed(session.kind === 'takecover' ? 0 : 1)} · episode ${state.real.episodes + 1}`;
}

function drawDream(): void {
  if (!session?.dream) return;
  drawFrame(canvases.dream, decodeLatent(session.checkpoint.vae, session.dream.latent()));
}

function drawReal(): void {
  if (!session) return;
  drawFrame(canvases.real, session.real.frame);
  drawFrame(canvases.recon, decodeLatent(session.checkpoint.vae, encodeFrame(session.checkpoint.vae, session.real.frame)));
}

/** One step of both worlds with the keyboard's or the agent's action. */
function step(held = keys.take()): void {
  if (!session) return;
  const s = session;
  const byKeys = state.driver === 'keyboard' ? keyboardAction(s.kind, held) : null;
  if (s.dream) {
    const view = s.dream.view();
    const action: PageAction = byKeys ?? s.policy.act(view.z, view.h, view.c);
    const r = s.dream.step(action.memory);
    state.lastAction = Array.from(action.memory);
    state.dream.steps = s.dream.steps;
    state.dream.score = s.dream.total;
    if (r.done) {
      state.dream.episodes++;
      s.dream.reset();
    }
    drawDream();
  }
  const real = s.real.step(byKeys ? byKeys.env : null);
  state.real.steps = s.real.steps;
  state.real.score = s.real.total;
  if (real.done) {
    state.real.episodes++;
    s.real.reset(s.seed + state.real.episodes);
  }
  drawReal();
  showCounters();
}

async function openEnv(kind: EnvKind): Promise<void> {
  state.status = 'loading';
  setStatus(`loading the ${ENV_KINDS[kind].envId} checkpoint…`);
  if (session) {
    session.dream?.dispose();
    session.policy.dispose();
    session.real.dispose();
    disposeCheckpoint(session.checkpoint);
    session = null;
  }
  const checkpoint = await fetchCheckpoint(`checkpoints/${kind}`);
  const seed = 1;
  const rng = new Rng(seed).derive('web', kind);
  const info = ENV_KINDS[kind];
  const dream = checkpoint.initial
    ? new InteractiveDream({ mdnrnn: checkpoint.mdnrnn, initial: checkpoint.initial, rng: rng.derive('dream'), temperature: state.temperature, reward: info.dreamReward })
    : null;
  const { vae, mdnrnn, layout, params } = checkpoint;
  session = {
    kind, checkpoint, dream, seed,
    policy: new ControllerPolicy(layout, params, actionAdapter(kind)),
    real: new RealSession({ kind, vae, mdnrnn, layout, params, seed }),
    latent: new LatentExplorer($('latent-sliders'), vae.config.zSize, (z) => drawFrame(canvases.latent, decodeLatent(vae, z))),
  };
  state.env = kind;
  state.zSize = vae.config.zSize;
  state.dream = { steps: 0, score: 0, episodes: 0 };
  state.real = { steps: 0, score: 0, episodes: 0 };
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-env]')) b.setAttribute('aria-pressed', String(b.dataset.env === kind));
  $('keys-help').textContent = kind === 'carracing' ? '← → steer · ↑ gas · ↓ brake' : '← → move · nothing: stay';
  if (dream) session.latent.set(dream.latent());
  drawDream();
  drawReal();
  showCounters();
  state.status = 'ready';
  setStatus(`${info.envId}: V z${vae.config.zSize}, M ${mdnrnn.config.hiddenSize} units × ${mdnrnn.config.mixtures} mixtures, C ${layout.form} (${layout.paramCount} parameters) · backend ${state.backend}`);
}

function wireControls(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-env]')) {
    b.addEventListener('click', () => void openEnv(b.dataset.env as EnvKind).catch(fail));
  }
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name=driver]')) {
    r.addEventListener('change', () => {
      if (r.checked) state.driver = r.value as PageState['driver'];
    });
  }
  const pause = $<HTMLInputElement>('pause');
  pause.addEventListener('change', () => (state.paused = pause.checked));
  const tau = $<HTMLInputElement>('temperature');
  const showTau = () => {
    state.temperature = Number(tau.value);
    $('temperature-value').textContent = state.temperature.toFixed(2);
    if (session?.dream) session.dream.temperature = state.temperature;
  };
  tau.addEventListener('input', showTau);
  showTau();
  $('new-dream').addEventListener('click', () => {
    if (!session?.dream) return;
    session.dream.reset();
    state.dream.episodes++;
    drawDream();
    showCounters();
  });
  $('latent-from-dream').addEventListener('click', () => session?.dream && session.latent.set(session.dream.latent()));
  $('latent-zero').addEventListener('click', () => session?.latent.set(new Float32Array(state.zSize)));
  // While paused, every arrow key press is one step.
  window.addEventListener('keydown', (e) => {
    if (state.paused && state.status === 'ready' && e.key.startsWith('Arrow')) {
      try {
        step(keys.take());
      } catch (error) {
        fail(error);
      }
    }
  });
}

function loop(): void {
  let last = performance.now();
  const tick = (now: number) => {
    if (state.status === 'ready' && !state.paused && now - last >= 1000 / STEPS_PER_SECOND) {
      last = now;
      try {
        step();
      } catch (error) {
        fail(error);
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const choice = await selectBrowserBackend(params.get('backend'));
  state.backend = choice.backend;
  state.skippedBackends = choice.skipped;
  $('backend').textContent = choice.backend + (choice.skipped.length ? ` (skipped ${choice.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})` : '');
  const index = (await (await fetch('checkpoints/index.json')).json()) as { envs: { env: string }[] };
  state.envs = index.envs.map((e) => e.env);
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-env]')) b.disabled = !state.envs.includes(b.dataset.env!);
  const wanted = params.get('env');
  const kind = (wanted && state.envs.includes(wanted) ? wanted : state.envs[0]) as EnvKind | undefined;
  if (!kind) throw new Error('no checkpoints were shipped with this page');
  if (params.get('paused') === '1') $<HTMLInputElement>('pause').checked = true;
  state.paused = $<HTMLInputElement>('pause').checked;
  await openEnv(kind);
  loop();
}

wireControls();
start().catch(fail);
