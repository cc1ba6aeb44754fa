import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { make } from '../registry.js';
import { glChannel } from '../render/raster.js';
import { CarRacingEnv } from './car-racing-env.js';
import { SEMANTIC_CLASSES, SEMANTIC_COLORS } from './semantic.js';
import { CAR_RACING_THEMES, type CarRacingTheme } from './themes.js';

const action = (t: number): number[] => [Math.sin(t / 9), t % 3 === 0 ? 1 : 0.3, t % 17 === 0 ? 0.5 : 0];

/** The class each of a theme's colours stands for (colours shared by two classes are left out). */
function colourClasses(theme: CarRacingTheme): Map<string, number> {
  const key = (c: readonly number[]) => c.map((v) => glChannel(v)).join(',');
  const k = (name: (typeof SEMANTIC_CLASSES)[number]) => SEMANTIC_CLASSES.indexOf(name);
  const entries: [string, number][] = [
    [key(theme.grass), k('grass')],
    [key(theme.grassChecker), k('grass')],
    [key(theme.kerbWhite), k('kerb')],
    [key(theme.kerbRed), k('kerb')],
    [key(theme.hull), k('car')],
    [key(theme.wheelStripe), k('car')],
  ];
  for (let i = 0; i < 3; i++) entries.push([key(theme.road.map((v) => v + 0.01 * i)), k('road')]);
  const map = new Map<string, number>();
  const ambiguous = new Set<string>();
  for (const [c, cls] of entries) {
    if (map.has(c) && map.get(c) !== cls) ambiguous.add(c);
    map.set(c, cls);
  }
  for (const c of ambiguous) map.delete(c);
  return map;
}

describe('CarRacing-v0 colour themes', () => {
  it("keeps the default frames byte for byte (the hash of gym's palette frames, human ones included)", () => {
    const h = createHash('sha256');
    for (const seed of [1, 7]) {
      const env = new CarRacingEnv({ theme: 'default' });
      h.update(env.reset({ seed }).observation);
      for (let t = 0; t < 120; t++) {
        h.update(env.step(action(t)).observation);
        if (t % 40 === 0) h.update(env.render('human').data);
      }
      env.close();
    }
    // Computed from the renderer before themes existed.
    expect(h.digest('hex')).toBe('e4a7b4049b5ac856cf57128ec5f88d199507f0e1a37aeb1957da134bc42c2b27');
  });

  it('draws the same scene in other colours: same physics and rewards, different pixels', () => {
    const envs = (['default', 'night', 'desert'] as const).map((theme) => make('CarRacing-v0', { theme }));
    for (const e of envs) e.reset({ seed: 4 });
    let last: { observation: Uint8Array; reward: number; info: Record<string, unknown> }[] = [];
    for (let t = 0; t < 60; t++) last = envs.map((e) => e.step(action(t)));
    const [d, n, s] = last as [(typeof last)[0], (typeof last)[0], (typeof last)[0]];
    expect(n.reward).toBe(d.reward);
    expect(s.info.position).toEqual(d.info.position);
    const differing = (a: Uint8Array, b: Uint8Array) => a.reduce((c, v, i) => c + (v !== b[i] ? 1 : 0), 0);
    expect(differing(d.observation, n.observation)).toBeGreaterThan(10_000);
    expect(differing(d.observation, s.observation)).toBeGreaterThan(10_000);
    // The night frame's grass is the night grass colour.
    const nightGrass = CAR_RACING_THEMES.night.grass.map((v) => glChannel(v));
    const nightChecker = CAR_RACING_THEMES.night.grassChecker.map((v) => glChannel(v));
    const corner = Array.from(n.observation.subarray(0, 3));
    expect([nightGrass.join(','), nightChecker.join(',')]).toContain(corner.join(','));
    for (const e of envs) e.close();
  });

  it('rejects an unknown theme, naming the themes', () => {
    expect(() => new CarRacingEnv({ theme: 'sepia' as 'night' })).toThrow(/unknown theme "sepia"; themes: default, night, desert/);
  });
});

describe('CarRacing-v0 semantic map', () => {
  it('labels every pixel of the frame with the class of what was drawn there, in every theme', () => {
    for (const theme of ['default', 'night', 'desert'] as const) {
      const env = new CarRacingEnv({ theme });
      env.reset({ seed: 2 });
      const classes = colourClasses(CAR_RACING_THEMES[theme]);
      const seen = new Set<number>();
      for (let t = 0; t < 90; t++) {
        const { observation } = env.step(action(t));
        if (t % 15 !== 14) continue;
        const map = env.renderSemantic();
        expect(map.labels.length).toBe(96 * 96);
        let checked = 0;
        for (let i = 0; i < 96 * 84; i++) {
          const cls = classes.get(`${observation[3 * i]},${observation[3 * i + 1]},${observation[3 * i + 2]}`);
          if (cls === undefined) continue;
          checked++;
          seen.add(map.labels[i]!);
          if (map.labels[i] !== cls) throw new Error(`${theme} t=${t}: pixel ${i} drawn as class ${cls} is labelled ${map.labels[i]}`);
        }
        // Almost the whole scene is in unambiguous colours (wheels, and the background while zoomed out, are black).
        expect(checked).toBeGreaterThan(0.9 * 96 * 84);
        // The indicator bar is its own class, the colourised map uses the class colours.
        expect(map.labels[95 * 96 + 50]).toBe(SEMANTIC_CLASSES.indexOf('indicator'));
        const i = 40 * 96 + 40;
        expect(Array.from(map.colors.subarray(3 * i, 3 * i + 3))).toEqual([...SEMANTIC_COLORS[map.labels[i]!]!]);
      }
      expect(seen.has(SEMANTIC_CLASSES.indexOf('road')) && seen.has(SEMANTIC_CLASSES.indexOf('grass')) && seen.has(SEMANTIC_CLASSES.indexOf('car'))).toBe(true);
      env.close();
    }
  });

  it("is the same map for the same scene in any theme, and render('semantic') returns its colours", () => {
    const a = new CarRacingEnv({ theme: 'default' });
    const b = new CarRacingEnv({ theme: 'desert' });
    a.reset({ seed: 9 });
    b.reset({ seed: 9 });
    for (let t = 0; t < 30; t++) {
      a.step(action(t));
      b.step(action(t));
    }
    const ma = a.renderSemantic();
    expect(Buffer.from(b.renderSemantic().labels).equals(Buffer.from(ma.labels))).toBe(true);
    const frame = a.render('semantic');
    expect(frame.width).toBe(96);
    expect(Buffer.from(frame.data).equals(Buffer.from(ma.colors))).toBe(true);
    // Rendering the map leaves the frame unchanged.
    const before = Buffer.from(a.render('rgb_array').data);
    a.renderSemantic();
    expect(Buffer.from(a.render('rgb_array').data).equals(before)).toBe(true);
    a.close();
    b.close();
    expect(() => new CarRacingEnv().renderSemantic()).toThrow(/before reset/);
  });
});
