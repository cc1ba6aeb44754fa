import { readFile } from 'node:fs/promises';

/** Reads and parses a JSON file; errors name the file and whether it is missing or malformed. */
export async function readJsonFile(path: string, what = 'file'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${what} not found: ${path}`);
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what} ${path} is not valid JSON (truncated or corrupted?): ${(error as Error).message}`);
  }
}
