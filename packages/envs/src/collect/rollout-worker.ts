/** Worker-thread entry file of rollout collection (built as its own file when tsup lists it as an entry). */
import { runRolloutWorker } from './rollout-worker-main.js';

void runRolloutWorker();
