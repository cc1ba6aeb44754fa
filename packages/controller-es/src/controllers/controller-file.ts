import { readFile } from 'node:fs/promises';
import { atomicWriteFile } from '@worldmodels/core/dataset';

/** A controller file's contents: the parameters and what the reference stored after them. */
export interface ControllerFile {
  params: Float64Array;
  /** The score stored next to the parameters (the reference's `*.best.json` keeps the evaluation reward). */
  fitness: number | null;
  /** Any further entries of the list. */
  extra: unknown[];
}

/**
 * Parses the reference's controller JSON (as estool / WorldModelsExperiments save it, e.g.
 * `log/carracing.cma.16.64.best.json`): a list whose first entry is the flat parameter list and
 * whose second entry, when present, is the score: `[[p0, p1, …], 900.46]`. A bare parameter list
 * is accepted too. `source` names the file in errors.
 */
export function parseControllerFile(json: unknown, source = 'controller file', expectedParams?: number): ControllerFile {
  if (!Array.isArray(json) || json.length === 0) throw new Error(`${source}: expected a JSON list [params, fitness, …] or a list of parameters`);
  const bare = json.every((v) => typeof v === 'number');
  const list = bare ? json : json[0];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`${source}: the first entry must be the list of parameters`);
  const params = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i] as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${source}: parameter ${i} is ${JSON.stringify(v)}, expected a finite number`);
    params[i] = v;
  }
  if (expectedParams !== undefined && params.length !== expectedParams) throw new Error(`${source}: has ${params.length} parameters, expected ${expectedParams}`);
  const fitness = !bare && typeof json[1] === 'number' ? (json[1] as number) : null;
  return { params, fitness, extra: bare ? [] : json.slice(2) };
}

/** Reads a controller file (see {@link parseControllerFile}). */
export async function loadControllerFile(path: string, expectedParams?: number): Promise<ControllerFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read controller file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`controller file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseControllerFile(json, path, expectedParams);
}

/** Writes `[params, fitness]` in the reference's format, atomically. */
export async function saveControllerFile(path: string, params: ArrayLike<number>, fitness: number | null = null): Promise<void> {
  const list = Array.from(params);
  list.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new Error(`cannot save controller: parameter ${i} is ${v}`);
  });
  await atomicWriteFile(path, `${JSON.stringify(fitness === null ? [list] : [list, fitness])}\n`);
}
