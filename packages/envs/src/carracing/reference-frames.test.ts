import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { Rng } from '@worldmodels/core/rng';
import { referencePreprocess } from '../wrappers/reference-preprocess.js';
import { CarRacingEnv } from './car-racing-env.js';

// 64×64 frames of the real gym env after the reference preprocessing (shared/ beside the repo).
const REFERENCE_DIR = fileURLToPath(new URL('../../../../../shared/data/carracing-reference-frames/', import.meta.url));
const haveReference = existsSync(REFERENCE_DIR);

/** An 8-bit RGB PNG as HWC bytes. */
function decodeRgb(bytes: Uint8Array): Uint8Array {
  const png = decode(bytes);
  if (png.channels !== 3 || png.depth !== 8) throw new Error(`expected an 8-bit RGB PNG, got ${png.channels} channels of ${png.depth} bits`);
  return new Uint8Array(png.data);
}

interface FrameStats {
  frames: number;
  palette: Map<string, number>;
  pixels: number;
  /** Mean row/column and count per frame of red car pixels in the car's region. */
  carRow: number;
  carCol: number;
  carPixelsPerFrame: number;
  meanColor: [number, number, number];
}

/** Statistics over frames taken after the start zoom (frames showing the black outside are skipped). */
function frameStats(frames: Uint8Array[]): FrameStats {
  const palette = new Map<string, number>();
  let used = 0;
  let red = 0;
  let redRow = 0;
  let redCol = 0;
  const mean: [number, number, number] = [0, 0, 0];
  for (const f of frames) {
    let outside = 0;
    for (let i = 0; i < f.length; i += 3) if (f[i] === 255 && f[i + 1] === 255 && f[i + 2] === 255) outside++;
    if (outside > 200) continue; // zoomed-out start frame: black outside (→ 255 after the shift)
    used++;
    for (let p = 0; p < 64 * 64; p++) {
      const r = f[3 * p]!;
      const g = f[3 * p + 1]!;
      const b = f[3 * p + 2]!;
      const key = `${r},${g},${b}`;
      palette.set(key, (palette.get(key) ?? 0) + 1);
      mean[0] += r;
      mean[1] += g;
      mean[2] += b;
      const row = Math.floor(p / 64);
      const col = p % 64;
      if (r > 130 && g < 90 && b < 90 && row >= 40 && col >= 26 && col < 38) {
        red++;
        redRow += row;
        redCol += col;
      }
    }
  }
  const pixels = used * 64 * 64;
  return {
    frames: used,
    palette,
    pixels,
    carRow: redRow / red,
    carCol: redCol / red,
    carPixelsPerFrame: red / used,
    meanColor: [mean[0] / pixels, mean[1] / pixels, mean[2] / pixels],
  };
}

describe.skipIf(!haveReference)('CarRacing-v0 frames against the real env (reference frames)', () => {
  it('has the same palette, layout and car through referencePreprocess', () => {
    const files = readdirSync(REFERENCE_DIR).filter((f) => f.endsWith('.png')).sort();
    const refFrames = files.filter((_, i) => i % 2 === 0).map((f) => decodeRgb(readFileSync(REFERENCE_DIR + f)));
    expect(refFrames.length).toBeGreaterThan(100);

    // Our frames: a few seeded episodes with a smooth random steering policy and light gas.
    const env = new CarRacingEnv();
    const rng = new Rng(5);
    const ours: Uint8Array[] = [];
    for (let ep = 0; ep < 3; ep++) {
      env.reset({ seed: 100 + ep });
      let steer = 0;
      for (let t = 0; t < 220; t++) {
        steer = Math.max(-1, Math.min(1, steer + rng.normal(0, 0.2)));
        const s = env.step([steer, rng.uniform(0, 0.3), 0]);
        if (t % 2 === 0) ours.push(referencePreprocess(s.observation));
        if (s.terminated || s.truncated) break;
      }
    }
    const ref = frameStats(refFrames);
    const our = frameStats(ours);

    // Palette: the colours covering 90% of the reference pixels cover most of ours (exact
    // values: grass 101/113, 203/226, checker 228/254, road greys 101..118, after the stretch).
    const sorted = [...ref.palette.entries()].sort((a, b) => b[1] - a[1]);
    const common = new Set<string>();
    let covered = 0;
    for (const [key, n] of sorted) {
      if (covered >= 0.9 * ref.pixels) break;
      common.add(key);
      covered += n;
    }
    let ourCovered = 0;
    for (const [key, n] of our.palette) if (common.has(key)) ourCovered += n;
    expect(ourCovered / our.pixels).toBeGreaterThan(0.8);
    for (const grass of ['101,203,101', '113,226,113', '101,228,101', '113,254,113']) {
      expect(common.has(grass)).toBe(true);
      expect((our.palette.get(grass) ?? 0) / our.pixels).toBeGreaterThan(0.03);
    }
    for (const road of ['101,101,101', '104,104,104', '106,106,106']) expect(our.palette.get(road) ?? 0).toBeGreaterThan(0);

    // The red car near the bottom centre, the same place and about the same size.
    expect(Math.abs(our.carRow - ref.carRow)).toBeLessThan(1.0);
    expect(Math.abs(our.carCol - ref.carCol)).toBeLessThan(1.0);
    expect(our.carPixelsPerFrame / ref.carPixelsPerFrame).toBeGreaterThan(0.6);
    expect(our.carPixelsPerFrame / ref.carPixelsPerFrame).toBeLessThan(1.4);

    // Mean colour: mostly grass with some road, within a few levels of the reference.
    for (let c = 0; c < 3; c++) expect(Math.abs(our.meanColor[c]! - ref.meanColor[c]!)).toBeLessThan(20);
  });
});
