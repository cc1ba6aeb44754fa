import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { isAvailable } from '../register.js';

/** True when the addon is built; suites use describe.skipIf(!NATIVE) and say why. */
export const NATIVE = isAvailable();
if (!NATIVE) {
  console.warn('tfjs-backend-native tests skipped: the native addon is not built (apt-get install -y libdnnl-dev; npm run build:native -w @worldmodels/tfjs-backend-native)');
}
