import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root package's name: the folder holding it is the repository root. */
const ROOT_PACKAGE_NAME = 'worldmodels';

/**
 * The repository root, found by walking up from this module's own location (not the working
 * directory) to the folder whose package.json is the `worldmodels` workspace root. Works from
 * `src/` and from the built `dist/`.
 */
export function repoRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === ROOT_PACKAGE_NAME) return dir;
      } catch {
        // not JSON: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the worldmodels repository root above ${from}; pass --checkpoint <dir>`);
    dir = parent;
  }
}

/** Where the shipped checkpoint of an env kind lives: `<repo>/checkpoints/<kind>`. */
export function shippedCheckpointDir(kind: string): string {
  return join(repoRoot(), 'checkpoints', kind);
}
