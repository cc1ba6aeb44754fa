import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../config/resolve-config.js';
import { checkSameWorldModel, type ImportedRound } from './imported-round.js';
import { CONTINUED_MODEL_PATHS } from './train-world-model.js';

describe('checkSameWorldModel', () => {
  it('compares whole sections or single fields, and names every differing field', async () => {
    const config = await resolveRunConfig({ env: 'takecover', preset: 'ci', overrides: {} });
    const round: ImportedRound = { root: '/agents/takecover', iteration: 1, config, fingerprints: {} };
    const allowed = 'the shapes of V and M';

    // Training settings are not part of M's shape: a continued run may change them.
    const retuned = { ...config, mdnrnn: { ...config.mdnrnn, donePositiveWeight: 40, learningRate: 1e-4, epochs: 2 } };
    expect(() => checkSameWorldModel(round, retuned, CONTINUED_MODEL_PATHS, allowed)).not.toThrow();
    // The same change is refused where the whole section is kept.
    expect(() => checkSameWorldModel(round, retuned, ['mdnrnn'], allowed)).toThrow(/V and M of \/agents\/takecover are kept: mdnrnn\.donePositiveWeight, mdnrnn\.epochs, mdnrnn\.learningRate differ from its config \(the shapes of V and M\)/);

    const reshaped = { ...config, vae: { ...config.vae, zSize: config.vae.zSize + 1 }, mdnrnn: { ...config.mdnrnn, mixtures: config.mdnrnn.mixtures + 1 } };
    expect(() => checkSameWorldModel(round, reshaped, CONTINUED_MODEL_PATHS, allowed)).toThrow(/vae\.zSize, mdnrnn\.mixtures differ/);
    expect(() => checkSameWorldModel(round, { ...config, env: 'carracing' }, CONTINUED_MODEL_PATHS, allowed)).toThrow(/: env differ/);
  });
});
