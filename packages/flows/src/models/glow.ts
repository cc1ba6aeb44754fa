import { Rng } from '@worldmodels/core/rng';
import { ActNorm } from '../layers/actnorm.js';
import { Coupling } from '../layers/coupling.js';
import type { FlowLayer } from '../layers/flow-layer.js';
import { InvertibleConv1x1 } from '../layers/invertible-conv.js';
import { ChannelPermutation } from '../layers/permutation.js';
import { Split } from '../layers/split.js';
import { Squeeze } from '../layers/squeeze.js';
import { TopPrior } from '../layers/top-prior.js';
import { ParamStore } from '../params.js';
import { type GlowConfig, resolveConfig } from './config.js';
import { FlowModel } from './flow-model.js';
import { NetPlanner } from './net-planner.js';

/**
 * Glow (Kingma & Dhariwal 2018, Fig. 2): for each of L levels, squeeze, then K steps of
 * actnorm → invertible 1×1 conv → coupling (channel mask), then split off half the channels
 * (all levels but the last); a learned prior on the top latent.
 */
export function buildGlow(config: Partial<GlowConfig> & { imageShape: [number, number, number] }): FlowModel {
  const cfg = resolveConfig({ ...config, kind: 'glow' }) as GlowConfig;
  const params = new ParamStore(new Rng(cfg.seed).derive('glow'));
  const group = (level: number, step: number) =>
    cfg.share === 'none' ? `level${level}/step${step}/coupling` : cfg.share === 'level' ? `level${level}/shared` : 'shared';

  // Pass 1: channel counts per level, and what each coupling network must read and write.
  const planner = new NetPlanner(cfg.width, cfg.condDim);
  let [h, w, c] = cfg.imageShape;
  const levelShapes: [number, number, number][] = [];
  for (let i = 0; i < cfg.levels; i++) {
    [h, w, c] = [h / 2, w / 2, c * 4];
    levelShapes.push([h, w, c]);
    const ca = Math.floor(c / 2);
    const cb = c - ca;
    for (let k = 0; k < cfg.steps; k++) planner.need(group(i, k), ca, cfg.coupling === 'additive' ? cb : 2 * cb);
    if (i < cfg.levels - 1) c = Math.floor(c / 2); // the split keeps ⌊C/2⌋
  }
  planner.build(params);

  // Pass 2: the layers.
  const layers: FlowLayer[] = [];
  const disposables: { dispose(): void }[] = [];
  const splitShapes: [number, number, number][] = [];
  const permRng = params.rng.derive('permutations');
  for (let i = 0; i < cfg.levels; i++) {
    const [lh, lw, lc] = levelShapes[i]!;
    layers.push(new Squeeze(`level${i}/squeeze`));
    for (let k = 0; k < cfg.steps; k++) {
      const p = `level${i}/step${k}`;
      layers.push(new ActNorm(`${p}/actnorm`, lc, params));
      const mix =
        cfg.permutation === 'conv1x1'
          ? new InvertibleConv1x1(`${p}/invconv`, lc, params)
          : new ChannelPermutation(`${p}/${cfg.permutation}`, lc, cfg.permutation, permRng);
      layers.push(mix);
      disposables.push(mix);
      const coupling = new Coupling(`${p}/coupling`, { channels: lc, kind: cfg.coupling, mask: 'channel', parity: 0, net: planner.net(group(i, k)) }, params);
      layers.push(coupling);
      disposables.push(coupling);
    }
    if (i < cfg.levels - 1) {
      const split = new Split(`level${i}/split`, lc, params, cfg.condDim);
      layers.push(split);
      splitShapes.push([lh, lw, split.out]);
    }
  }
  const [th, tw, tc] = levelShapes[cfg.levels - 1]!;
  layers.push(new TopPrior('top_prior', [th, tw, tc], params, cfg.condDim));
  return new FlowModel(cfg, params, layers, [th, tw, tc], splitShapes, disposables);
}
