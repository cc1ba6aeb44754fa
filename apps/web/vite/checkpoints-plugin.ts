import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** The env kinds the page offers, in tab order. */
export const WEB_ENVS = ['takecover', 'carracing'] as const;

/** URL prefix of the checkpoints, in the dev server and in dist/. */
export const CHECKPOINTS_URL = 'checkpoints';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Which checkpoint directory each env uses: the shipped `checkpoints/<env>` of the repository,
 * or `WORLDMODELS_WEB_CHECKPOINTS="takecover=runs/a,carracing=runs/b"` (paths relative to the
 * repository root, or absolute) for any run directories.
 */
export function checkpointDirs(spec = process.env.WORLDMODELS_WEB_CHECKPOINTS): Record<string, string> {
  const dirs: Record<string, string> = Object.fromEntries(WEB_ENVS.map((env) => [env, join(REPO_ROOT, 'checkpoints', env)]));
  if (!spec) return dirs;
  const chosen: Record<string, string> = {};
  for (const part of spec.split(',').filter(Boolean)) {
    const [env, dir] = part.split('=');
    if (!env || !dir || !(WEB_ENVS as readonly string[]).includes(env)) throw new Error(`WORLDMODELS_WEB_CHECKPOINTS: '${part}' is not <env>=<dir> with env one of ${WEB_ENVS.join(', ')}`);
    chosen[env] = resolve(REPO_ROOT, dir);
  }
  return chosen;
}

/** The files of a checkpoint the page reads, relative to its directory (V's and M's shards from their manifests). */
export function checkpointFiles(dir: string): string[] {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`checkpoint ${dir} is missing config.json (the run config)`);
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { iterations?: number };
  const iteration = config.iterations ?? 1;
  const stage = (name: string) => (iteration === 1 ? name : `iter-${iteration}/${name}`);
  const files = ['config.json', `${stage('controller')}/best.json`];
  for (const model of [`${stage('vae')}/model`, `${stage('mdnrnn')}/model`]) {
    const modelJson = join(dir, model, 'model.json');
    if (!existsSync(modelJson)) throw new Error(`checkpoint ${dir} is missing ${model}/model.json`);
    const manifest = JSON.parse(readFileSync(modelJson, 'utf8')) as { weightsManifest: { paths: string[] }[] };
    files.push(`${model}/model.json`, `${model}/checkpoint.json`, ...manifest.weightsManifest.flatMap((g) => g.paths.map((p) => `${model}/${p.replace(/^\.\//, '')}`)));
  }
  for (const optional of [`${stage('series')}/initial-z.npz`, 'README.md']) if (existsSync(join(dir, optional))) files.push(optional);
  for (const f of files) if (!existsSync(join(dir, f))) throw new Error(`checkpoint ${dir} is missing ${f}`);
  return files;
}

/** What the page learns from `checkpoints/index.json`. */
export interface CheckpointIndex {
  envs: { env: string; url: string; files: string[] }[];
  missing: { env: string; reason: string }[];
}

export function checkpointIndex(dirs: Record<string, string>): CheckpointIndex {
  const index: CheckpointIndex = { envs: [], missing: [] };
  for (const [env, dir] of Object.entries(dirs)) {
    try {
      index.envs.push({ env, url: `${CHECKPOINTS_URL}/${env}`, files: checkpointFiles(dir) });
    } catch (error) {
      index.missing.push({ env, reason: (error as Error).message.replaceAll(REPO_ROOT, '.') });
    }
  }
  return index;
}

/**
 * Serves the checkpoints to the page under `/checkpoints/<env>/…` in the dev server and copies
 * them into `dist/checkpoints/` at build time, with `checkpoints/index.json` listing what is there.
 * The build fails when no env has a checkpoint.
 */
export function checkpointsPlugin(): Plugin {
  let dirs: Record<string, string>;
  return {
    name: 'worldmodels:checkpoints',
    configResolved() {
      dirs = checkpointDirs();
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0]!;
        const prefix = `/${CHECKPOINTS_URL}/`;
        if (!url.startsWith(prefix)) return next();
        const index = checkpointIndex(dirs);
        if (url === `${prefix}index.json`) {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify(index));
          return;
        }
        const [env, ...rest] = url.slice(prefix.length).split('/');
        const file = decodeURIComponent(rest.join('/'));
        const entry = index.envs.find((e) => e.env === env);
        const dir = env ? dirs[env] : undefined;
        if (!entry || !dir || !entry.files.includes(file)) {
          res.statusCode = 404;
          res.end(`not a checkpoint file: ${url}`);
          return;
        }
        const path = resolve(dir, file);
        if (!path.startsWith(resolve(dir) + sep) || !statSync(path).isFile()) return next();
        res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.end(readFileSync(path));
      });
    },
    generateBundle() {
      const index = checkpointIndex(dirs);
      if (index.envs.length === 0) this.error(`no checkpoints to ship: ${index.missing.map((m) => `${m.env}: ${m.reason}`).join('; ')}`);
      for (const m of index.missing) this.warn(`no ${m.env} checkpoint in the build: ${m.reason}`);
      for (const { env, files } of index.envs) {
        for (const file of files) this.emitFile({ type: 'asset', fileName: `${CHECKPOINTS_URL}/${env}/${file}`, source: readFileSync(join(dirs[env]!, file)) });
      }
      this.emitFile({ type: 'asset', fileName: `${CHECKPOINTS_URL}/index.json`, source: JSON.stringify(index, null, 2) });
    },
  };
}
