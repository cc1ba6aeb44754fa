// Module hooks that let plain Node load tfjs-core's per-file ES modules (dist/**/*.js), which
// use extensionless imports inside a package without "type": "module". Only files under
// @tensorflow/tfjs-core/dist/ are touched; the package's CommonJS bundle is left alone.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MARK = '/@tensorflow/tfjs-core/dist/';

function isTfjsEsmFile(url) {
  return url.startsWith('file:') && url.includes(MARK) && !url.endsWith('.node.js');
}

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && isTfjsEsmFile(parent) && specifier.startsWith('.')) {
    const base = fileURLToPath(new URL(specifier, parent));
    for (const candidate of [`${base}.js`, `${base}/index.js`, base]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) {
        return { url: pathToFileURL(candidate).href, format: 'module', shortCircuit: true };
      }
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (isTfjsEsmFile(url) && url.endsWith('.js')) {
    return { format: 'module', source: await readFile(fileURLToPath(url), 'utf8'), shortCircuit: true };
  }
  return next(url, context);
}
