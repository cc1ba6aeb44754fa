#!/usr/bin/env node
// Builds the native addon with node-gyp. The backend is optional: when the system
// libraries (Debian: libdnnl-dev) or a compiler are missing, this prints one warning
// and exits 0 so that `npm ci` still succeeds; `--strict` (npm run build:native)
// exits non-zero instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const strict = process.argv.includes('--strict');
const APT_HINT = 'apt-get install -y libdnnl-dev g++ make python3';

function warn(reason) {
  const msg = `@worldmodels/tfjs-backend-native: native addon not built (${reason}). ` +
    `The 'native' TensorFlow.js backend is unavailable; install the system libraries with ` +
    `\`${APT_HINT}\` and run \`npm run build:native -w @worldmodels/tfjs-backend-native\`.`;
  console.warn(msg);
  process.exit(strict ? 1 : 0);
}

if (process.env.WORLDMODELS_SKIP_NATIVE_BUILD === '1') warn('WORLDMODELS_SKIP_NATIVE_BUILD=1');

// An addon newer than every source file is kept (repeated `npm install`s do not rebuild it);
// `--strict` (npm run build:native) always rebuilds.
const addon = join(packageDir, 'build', 'Release', 'worldmodels_native.node');
if (!strict && existsSync(addon)) {
  const sources = [join(packageDir, 'binding.gyp'), ...readdirSync(join(packageDir, 'native')).map((f) => join(packageDir, 'native', f))];
  const built = statSync(addon).mtimeMs;
  if (sources.every((f) => statSync(f).mtimeMs < built)) {
    console.log('@worldmodels/tfjs-backend-native: native addon up to date (build/Release/worldmodels_native.node)');
    process.exit(0);
  }
}
if (process.platform !== 'linux' && !strict) warn(`platform ${process.platform} is not supported yet`);
if (!existsSync('/usr/include/dnnl.hpp') && !process.env.CPATH) warn('oneDNN headers (dnnl.hpp) not found');

/** node-gyp: npm's bundled copy first, then one on PATH. */
function nodeGypCommand() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  for (const c of candidates) if (c.endsWith('.js') && existsSync(c)) return [process.execPath, [c]];
  return ['node-gyp', []];
}

const args = ['rebuild'];
// Use the installed Node headers instead of downloading them when they are present.
const headersDir = join(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(headersDir, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${headersDir}`);
}
const [cmd, pre] = nodeGypCommand();
const res = spawnSync(cmd, [...pre, ...args], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (res.error || res.status !== 0) {
  const tail = `${res.stderr ?? ''}`.split('\n').filter((l) => /error/i.test(l)).slice(0, 3).join(' | ');
  warn(res.error ? res.error.message : `node-gyp exited with ${res.status}${tail ? `: ${tail}` : ''}`);
}
console.log('@worldmodels/tfjs-backend-native: native addon built (build/Release/worldmodels_native.node)');
