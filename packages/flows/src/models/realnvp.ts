import { Rng } from '@worldmodels/core/rng';
import { ActNorm } from '../layers/actnorm.js';
import { Coupling } from '../layers/coupling.js';
import type { FlowLayer } from '../layers/flow-layer.js';
import { ChannelPermutation } from '../layers/permutation.js';
import { Split } from '../layers/split.js';
import { Squeeze } from '../layers/squeeze.js';
import { TopPrior } from '../layers/top-prior.js';
import { ParamStore } from '../params.js';
import { type RealNVPConfig, resolveConfig } from './config.js';
import { FlowModel } from './flow-model.js';
import { NetPlanner } from './net-planner.js';

/**
 * RealNVP's multi-scale architecture (Dinh et al. 2017, §4.1): each scale but the last applies
 * three checkerboard couplings with alternating masks, a squeeze, three channel couplings with a
 * reverse permutation between them, then factors out half the channels; the last scale applies
 * four checkerboard couplings. Actnorm (optional) stands in for batch normalisation.
 */
export function buildRealNVP(config: Partial<RealNVPConfig> & { imageShape: [number, number, number] }): FlowModel {
  const cfg = resolveConfig({ ...config, kind: 'realnvp' }) as RealNVPConfig;
  const params = new ParamStore(new Rng(cfg.seed).derive('realnvp'));
  const group = (scale: number, kind: 'checker' | 'channel', idx: number) =>
    cfg.share === 'none' ? `scale${scale}/${kind}${idx}` : cfg.share === 'level' ? `scale${scale}/shared_${kind}` : `shared_${kind}`;
  const outFor = (n: number) => (cfg.coupling === 'additive' ? n : 2 * n);

  type Step = { kind: 'checker' | 'channel'; idx: number; parity: 0 | 1 };
  type Scale = { shapeIn: [number, number, number]; checker: Step[]; channel: Step[]; last: boolean };
  const scales: Scale[] = [];
  const planner = new NetPlanner(cfg.width, cfg.condDim);
  let [h, w, c] = cfg.imageShape;
  for (let s = 0; s < cfg.levels; s++) {
    const last = s === cfg.levels - 1;
    const nChecker = last ? 4 : 3;
    const checker: Step[] = Array.from({ length: nChecker }, (_, i) => ({ kind: 'checker', idx: i, parity: (i % 2) as 0 | 1 }));
    for (const st of checker) planner.need(group(s, 'checker', st.idx), c, outFor(c));
    const channel: Step[] = [];
    if (!last) {
      const c4 = c * 4;
      for (let i = 0; i < 3; i++) {
        channel.push({ kind: 'channel', idx: i, parity: 0 });
        planner.need(group(s, 'channel', i), Math.floor(c4 / 2), outFor(c4 - Math.floor(c4 / 2)));
      }
    }
    scales.push({ shapeIn: [h, w, c], checker, channel, last });
    if (!last) [h, w, c] = [h / 2, w / 2, Math.floor((c * 4) / 2)];
  }
  planner.build(params);

  const layers: FlowLayer[] = [];
  const disposables: { dispose(): void }[] = [];
  const splitShapes: [number, number, number][] = [];
  const coupling = (name: string, channels: number, step: Step, net: string) => {
    if (cfg.actnorm) layers.push(new ActNorm(`${name}/actnorm`, channels, params));
    const layer = new Coupling(`${name}/coupling`, { channels, kind: cfg.coupling, mask: step.kind === 'checker' ? 'checkerboard' : 'channel', parity: step.parity, net: planner.net(net) }, params);
    layers.push(layer);
    disposables.push(layer);
  };
  scales.forEach((scale, s) => {
    const [sh, sw, sc] = scale.shapeIn;
    for (const st of scale.checker) coupling(`scale${s}/checker${st.idx}`, sc, st, group(s, 'checker', st.idx));
    if (scale.last) return;
    layers.push(new Squeeze(`scale${s}/squeeze`));
    const c4 = sc * 4;
    scale.channel.forEach((st, i) => {
      if (i > 0) {
        const perm = new ChannelPermutation(`scale${s}/reverse${i}`, c4, 'reverse');
        layers.push(perm);
        disposables.push(perm);
      }
      coupling(`scale${s}/channel${st.idx}`, c4, st, group(s, 'channel', st.idx));
    });
    const split = new Split(`scale${s}/split`, c4, params, cfg.condDim);
    layers.push(split);
    splitShapes.push([sh / 2, sw / 2, split.out]);
  });
  const top: [number, number, number] = [h, w, c];
  layers.push(new TopPrior('top_prior', top, params, cfg.condDim));
  return new FlowModel(cfg, params, layers, top, splitShapes, disposables);
}
