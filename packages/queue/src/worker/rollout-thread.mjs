// Worker-thread entry of a queue worker's rollout threads (plain JavaScript, so it runs from
// sources and from dist alike): registers tsx when the worker runs from TypeScript sources, then
// runs envs's own rollout worker body, which reads the collection config from workerData and
// collects the episode of every { type: 'run', index } message.
import { workerData } from 'node:worker_threads';

const boot = workerData?.__queueBootstrap ?? {};
if (boot.tsxApi) {
  const api = await import(boot.tsxApi);
  api.register();
}
const { runRolloutWorker } = await import('@worldmodels/envs');
await runRolloutWorker();
