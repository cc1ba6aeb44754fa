import { initBackend } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { GatedPixelCNN, sample } from './src/index.js';
await initBackend({ quiet: true });
for (const size of [16, 32]) {
  const model = new GatedPixelCNN({ imageShape: [size, size, 3], features: 24, layers: 4, skipChannels: 24, headChannels: 48 });
  const B = 4;
  let t = performance.now();
  sample(model, { count: B, rng: new Rng(1) });
  const cached = (performance.now() - t) / 1000;
  // naive: time 2 rows after a warm-up row, extrapolate
  let start = 0; const stop = new Error('stop'); let rowsT = 0;
  try { sample(model, { count: B, rng: new Rng(1), method: 'naive', onRow: (r) => { if (r === 1) start = performance.now(); else if (r === 3) { rowsT = 2; throw stop; } } }); } catch (e) { if (e !== stop) throw e; }
  const naive = (performance.now() - start) / 1000 / rowsT * size;
  console.log(JSON.stringify({ size, batch: B, cachedSeconds: cached.toFixed(1), naiveSecondsExtrapolated: naive.toFixed(1), speedup: (naive / cached).toFixed(1) }));
  model.dispose();
}
