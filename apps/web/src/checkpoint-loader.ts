import * as tf from '@tensorflow/tfjs-core';
import { decodeNpz } from '@worldmodels/core/dataset';
import { MDNRNN, type MDNRNNConfig } from '@worldmodels/mdn-rnn';
import { ConvVAE, type ConvVAEConfig } from '@worldmodels/vae';
import {
  CONTROLLER_FILE, ControllerLayout, INITIAL_Z_FILE, MODEL_DIR, RUN_CONFIG_FILE, initialLatents, layoutOptionsFor, parseRunConfig, stageDir,
  type ControllerResult, type InitialLatents, type RunConfig,
} from '@worldmodels/world-model';

/** What the page needs of `fetch` (the browser's, or a file reader in tests). */
export type Fetcher = (url: string) => Promise<Pick<Response, 'ok' | 'status' | 'json' | 'arrayBuffer'>>;

/** A checkpoint loaded in the browser: the same models the Node loaders build. */
export interface BrowserCheckpoint {
  config: RunConfig;
  vae: ConvVAE;
  mdnrnn: MDNRNN;
  layout: ControllerLayout;
  params: number[];
  initial: InitialLatents | null;
}

interface VariablesModelJson {
  format?: string;
  userDefinedMetadata?: { kind?: string; config?: unknown };
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

interface CheckpointManifestJson {
  files?: Record<string, { bytes: number; sha256: string }>;
}

const join = (...parts: string[]) => parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\.?\/+|\/+$/g, ''))).join('/');

async function fetchOk(fetcher: Fetcher, url: string) {
  let response;
  try {
    response = await fetcher(url);
  } catch (error) {
    throw new Error(`cannot fetch ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`cannot fetch ${url}: HTTP ${response.status}`);
  return response;
}

const fetchJson = async <T>(fetcher: Fetcher, url: string): Promise<T> => (await fetchOk(fetcher, url)).json() as Promise<T>;
const fetchBytes = async (fetcher: Fetcher, url: string): Promise<Uint8Array> => new Uint8Array(await (await fetchOk(fetcher, url)).arrayBuffer());

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Fetches a model saved with core's `saveVariables` (`model.json` + weight shards +
 * `checkpoint.json`), checks each shard's size and SHA-256 against `checkpoint.json`, and decodes
 * the weights with `tf.io.decodeWeights` (float16-quantised entries come back float32).
 * Returns the named tensors (the caller disposes them) and the saved metadata.
 */
export async function fetchVariables(modelUrl: string, fetcher: Fetcher): Promise<{ tensors: Record<string, tf.Tensor>; metadata: { kind?: string; config?: unknown } }> {
  const modelJson = await fetchJson<VariablesModelJson>(fetcher, join(modelUrl, 'model.json'));
  if (modelJson.format !== 'worldmodels-variables' || !modelJson.weightsManifest) throw new Error(`${join(modelUrl, 'model.json')} is not a worldmodels variables checkpoint (format ${String(modelJson.format)})`);
  const manifest = await fetchJson<CheckpointManifestJson>(fetcher, join(modelUrl, 'checkpoint.json'));
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const name = path.replace(/^\.\//, '');
      const bytes = await fetchBytes(fetcher, join(modelUrl, name));
      const expected = manifest.files?.[name];
      if (!expected) throw new Error(`${join(modelUrl, 'checkpoint.json')} does not list ${name}`);
      if (bytes.byteLength !== expected.bytes) throw new Error(`${join(modelUrl, name)} is ${bytes.byteLength} bytes, expected ${expected.bytes} (truncated or corrupted)`);
      if ((await sha256Hex(bytes)) !== expected.sha256) throw new Error(`${join(modelUrl, name)} fails its SHA-256 checksum (corrupted)`);
      shards.push(bytes);
    }
  }
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const buffer = new Uint8Array(total);
  let offset = 0;
  for (const s of shards) {
    buffer.set(s, offset);
    offset += s.byteLength;
  }
  return { tensors: tf.io.decodeWeights(buffer.buffer, specs), metadata: modelJson.userDefinedMetadata ?? {} };
}

/** Builds a model from its saved config and fills its weights; the loaded tensors are disposed either way. */
async function fetchModel<M extends { dispose(): void; setWeights(w: Record<string, tf.Tensor>): void }>(
  modelUrl: string, fetcher: Fetcher, kind: string, build: (config: never) => M,
): Promise<M> {
  const { tensors, metadata } = await fetchVariables(modelUrl, fetcher);
  try {
    if (metadata.kind !== kind || !metadata.config) throw new Error(`${modelUrl} does not hold a ${kind} (metadata kind ${String(metadata.kind)})`);
    const model = build(metadata.config as never);
    try {
      model.setWeights(tensors);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** V from `<stage>/model` at a URL (the browser twin of `loadVision`). */
export function fetchVision(stageUrl: string, fetcher: Fetcher): Promise<ConvVAE> {
  return fetchModel(join(stageUrl, MODEL_DIR), fetcher, 'ConvVAE', (config: Partial<ConvVAEConfig>) => new ConvVAE(config));
}

/** M from `<stage>/model` at a URL (the browser twin of `loadMemory`). */
export function fetchMemory(stageUrl: string, fetcher: Fetcher): Promise<MDNRNN> {
  return fetchModel(join(stageUrl, MODEL_DIR), fetcher, 'MDNRNN', (config: Partial<MDNRNNConfig>) => new MDNRNN(config));
}

/**
 * Loads a checkpoint (or run directory) served at `baseUrl`, in the layout `worldmodels train`
 * writes: `config.json`, V, M, `controller/best.json` and, when present, the dream's initial
 * latents `series/initial-z.npz` (read with core's npz decoder).
 */
export async function fetchCheckpoint(baseUrl: string, fetcher: Fetcher = (url) => fetch(url)): Promise<BrowserCheckpoint> {
  const configUrl = join(baseUrl, RUN_CONFIG_FILE);
  const config = parseRunConfig(await fetchJson(fetcher, configUrl), configUrl);
  const at = (stage: 'vae' | 'mdnrnn' | 'controller' | 'series') => join(baseUrl, stageDir(stage, config.iterations));
  const controllerUrl = join(at('controller'), CONTROLLER_FILE);
  const controller = await fetchJson<ControllerResult>(fetcher, controllerUrl);
  const layout = new ControllerLayout(layoutOptionsFor(config));
  if (!Array.isArray(controller.params) || controller.params.length !== layout.paramCount) {
    throw new Error(`${controllerUrl} has ${controller.params?.length} parameters; the ${layout.form} controller needs ${layout.paramCount}`);
  }
  const vae = await fetchVision(at('vae'), fetcher);
  let mdnrnn: MDNRNN;
  try {
    mdnrnn = await fetchMemory(at('mdnrnn'), fetcher);
  } catch (error) {
    vae.dispose();
    throw error;
  }
  let initial: InitialLatents | null = null;
  const initialUrl = join(at('series'), INITIAL_Z_FILE);
  const response = await fetcher(initialUrl).catch(() => null);
  if (response?.ok) {
    const arrays = decodeNpz(new Uint8Array(await response.arrayBuffer()), initialUrl);
    const { mu, logvar } = arrays;
    if (!mu || !logvar || mu.shape.length !== 2) throw new Error(`${initialUrl} must hold mu and logvar arrays of shape [N, Z]`);
    initial = initialLatents(Float32Array.from(mu.data as ArrayLike<number>), Float32Array.from(logvar.data as ArrayLike<number>), mu.shape[1]!);
  }
  return { config, vae, mdnrnn, layout, params: controller.params, initial };
}

export function disposeCheckpoint(c: BrowserCheckpoint): void {
  c.vae.dispose();
  c.mdnrnn.dispose();
}
