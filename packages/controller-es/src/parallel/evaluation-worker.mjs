// Worker-thread entry of the evaluation pool (plain JavaScript so it runs from sources and from
// dist alike). Each worker builds its evaluator once — its own env and models — from the module
// named in workerData, registering tsx's ESM loader first when that module is TypeScript, and then
// scores (params, seed) tasks.
import { workerData } from 'piscina';

let evaluatorPromise = null;

async function buildEvaluator() {
  const { module, options, exportName, tsxApi } = workerData;
  if (tsxApi) {
    const api = await import(tsxApi);
    api.register();
  }
  const mod = await import(module);
  const factory = mod[exportName];
  if (typeof factory !== 'function') throw new Error(`worker module ${module} does not export a function '${exportName}'`);
  const evaluate = await factory(options);
  if (typeof evaluate !== 'function') throw new Error(`${exportName}() of ${module} returned ${typeof evaluate}, expected a function (params, seed) => number`);
  return evaluate;
}

export default async function evaluate(task) {
  if (!evaluatorPromise) {
    evaluatorPromise = buildEvaluator();
    evaluatorPromise.catch(() => {
      evaluatorPromise = null; // let a retry build it again
    });
  }
  const evaluator = await evaluatorPromise;
  const params = task.params instanceof Float64Array ? task.params : Float64Array.from(task.params);
  const score = await evaluator(params, task.seed);
  if (typeof score !== 'number' || Number.isNaN(score)) throw new Error(`evaluator returned ${String(score)} for seed ${task.seed}; expected a number`);
  return score;
}
