import type { TakeCoverConfig } from './take-cover-config.js';
import type { TakeCoverState } from './take-cover-sim.js';
import { IMP_ATTACK_SPRITE, IMP_WALK_SPRITE, type Sprite } from './sprites.js';

type Rgb = readonly [number, number, number];

const FLOOR: Rgb = [96, 84, 72];
const CEILING: Rgb = [128, 128, 124];
const BRICK: Rgb = [132, 136, 146];
const MORTAR: Rgb = [86, 88, 96];
const FIREBALL_CORE: Rgb = [255, 244, 170];
const FIREBALL_MID: Rgb = [255, 160, 48];
const FIREBALL_RIM: Rgb = [214, 64, 20];
/** Drawn size of a fireball (Doom's BAL1 sprite is about 15 units across). */
const FIREBALL_DRAW_RADIUS = 8;
/** The missile's own height: its sprite sits centred 4 units above its z. */
const FIREBALL_HALF_HEIGHT = 4;
/** Side walls are drawn darker than the far wall, like Doom's fake contrast. */
const SIDE_WALL_SHADE = 0.8;
/** Nearer than this, a billboard is behind or inside the camera and is skipped. */
const NEAR_CLIP = 4;

/**
 * Doom-style light diminishing: full brightness near the eye, darker with depth, never black.
 * `z` is the depth along the view axis in map units.
 */
function light(z: number): number {
  const l = 1.05 - z / 1000;
  return l < 0.4 ? 0.4 : l > 1 ? 1 : l;
}

/**
 * A first-person ray caster for the TakeCover room: the camera always looks down the room (+y)
 * from the agent's eye, with a 90° horizontal field of view and the vertical extent of a 4:3
 * screen (the reference squashed VizDoom's 640×480 frames to 64×64). Each column casts one ray
 * against the far wall and the side walls; floor and ceiling rows use their fixed per-row depth;
 * monsters, fireballs and explosions are depth-sorted billboards clipped against the wall depth
 * of each column. The picture is drawn `supersample` times larger and box-filtered down, like a
 * resize from a large frame, and tinted red while the damage count is up (the pain flash).
 */
export class TakeCoverRenderer {
  private readonly rw: number;
  private readonly rh: number;
  private readonly fx: number;
  private readonly fy: number;
  private readonly horizon: number;
  private readonly slope: Float64Array;
  private readonly rowDepth: Float64Array;
  private readonly rowLight: Float64Array;
  private readonly zbuf: Float64Array;
  private readonly hi: Uint8Array;

  constructor(
    private readonly cfg: TakeCoverConfig,
    readonly width: number,
    readonly height: number,
    private readonly supersample: number,
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8) throw new Error(`TakeCover renderer size must be integers ≥ 8, got ${width}×${height}`);
    if (!Number.isInteger(supersample) || supersample < 1 || supersample > 8) throw new Error(`TakeCover supersample must be an integer in [1, 8], got ${supersample}`);
    this.rw = width * supersample;
    this.rh = height * supersample;
    // 90° horizontal FOV: tan(45°) = 1; the vertical half-extent is 3/4 of it (4:3 screen).
    this.fx = this.rw / 2;
    this.fy = this.rh / 2 / 0.75;
    this.horizon = this.rh / 2;
    this.slope = new Float64Array(this.rw);
    for (let c = 0; c < this.rw; c++) this.slope[c] = (2 * (c + 0.5)) / this.rw - 1;
    this.rowDepth = new Float64Array(this.rh);
    for (let r = 0; r < this.rh; r++) {
      const dy = r + 0.5 - this.horizon;
      this.rowDepth[r] = dy > 0 ? (cfg.eyeHeight * this.fy) / dy : ((cfg.ceilingHeight - cfg.eyeHeight) * this.fy) / -dy;
    }
    this.rowLight = this.rowDepth.map(light);
    this.zbuf = new Float64Array(this.rw);
    this.hi = new Uint8Array(this.rw * this.rh * 3);
  }

  /** The frame of `state`: a new `height × width × 3` uint8 array (HWC). */
  render(state: TakeCoverState): Uint8Array {
    this.drawRoom(state.agentX);
    this.drawBillboards(state);
    const out = this.downsample();
    applyDamageTint(out, state.damageCount);
    return out;
  }

  private drawRoom(camX: number): void {
    const { cfg, rw, rh, fy, horizon, slope, rowDepth, rowLight, zbuf, hi } = this;
    const camY = cfg.agentY;
    const half = cfg.roomWidth / 2;
    const farZ = cfg.roomDepth - camY;
    const ceilingRise = cfg.ceilingHeight - cfg.eyeHeight;
    for (let c = 0; c < rw; c++) {
      const dx = slope[c]!;
      let z = farZ;
      let u = camX + dx * farZ;
      let side = 1;
      if (u > half || u < -half) {
        const wx = u > half ? half : -half;
        z = (wx - camX) / dx;
        u = camY + z;
        side = SIDE_WALL_SHADE;
      }
      zbuf[c] = z;
      const rTop = clampRow(Math.ceil(horizon - (ceilingRise * fy) / z - 0.5), rh);
      const rBottom = clampRow(Math.ceil(horizon + (cfg.eyeHeight * fy) / z - 0.5), rh);
      let i = c * 3;
      const stride = rw * 3;
      // Ceiling and floor: each row has a fixed depth, so only the x of the texel varies by column.
      for (let r = 0; r < rTop; r++, i += stride) {
        const d = rowDepth[r]!;
        const col = flatTexel(camX + dx * d, camY + d, CEILING_FLAT);
        const l = rowLight[r]!;
        hi[i] = col[0] * l;
        hi[i + 1] = col[1] * l;
        hi[i + 2] = col[2] * l;
      }
      // Wall: the texel column is fixed; its mortar joints differ between even and odd courses.
      const wallLight = light(z) * side;
      const jointEven = brickJoint(u, 0);
      const jointOdd = brickJoint(u, 1);
      const vScale = z / fy;
      for (let r = rTop; r < rBottom; r++, i += stride) {
        const v = cfg.eyeHeight + (horizon - r - 0.5) * vScale;
        const course = Math.floor(v / 32);
        const mortar = v - course * 32 < 3 || ((course & 1) === 0 ? jointEven : jointOdd);
        const col = mortar ? MORTAR : BRICK;
        hi[i] = col[0] * wallLight;
        hi[i + 1] = col[1] * wallLight;
        hi[i + 2] = col[2] * wallLight;
      }
      for (let r = rBottom; r < rh; r++, i += stride) {
        const d = rowDepth[r]!;
        const col = flatTexel(camX + dx * d, camY + d, FLOOR_FLAT);
        const l = rowLight[r]!;
        hi[i] = col[0] * l;
        hi[i + 1] = col[1] * l;
        hi[i + 2] = col[2] * l;
      }
    }
  }

  private drawBillboards(state: TakeCoverState): void {
    const { cfg } = this;
    const camY = cfg.agentY;
    type Item = { z: number; draw: () => void };
    const items: Item[] = [];
    for (const m of state.monsters) {
      const z = m.y - camY;
      const sprite = m.phase === 'windup' ? IMP_ATTACK_SPRITE : IMP_WALK_SPRITE;
      items.push({ z, draw: () => this.drawSprite(sprite, m.x - state.agentX, z, cfg.monsterRadius, 0, cfg.monsterHeight) });
    }
    for (const f of state.fireballs) {
      const z = f.y - camY;
      items.push({ z, draw: () => this.drawBall(f.x - state.agentX, z, f.z + FIREBALL_HALF_HEIGHT, FIREBALL_DRAW_RADIUS, 1) });
    }
    for (const e of state.explosions) {
      const z = e.y - camY;
      const t = e.age / cfg.explosionTics;
      items.push({ z, draw: () => this.drawBall(e.x - state.agentX, z, e.z + FIREBALL_HALF_HEIGHT, FIREBALL_DRAW_RADIUS * (1 + 1.2 * t), 1 - 0.7 * t) });
    }
    items.sort((a, b) => b.z - a.z);
    for (const it of items) if (it.z > NEAR_CLIP) it.draw();
  }

  /** A sprite standing on the floor at camera-space (xc, z), `radius` wide each side, from z0 to z0 + h. */
  private drawSprite(sprite: Sprite, xc: number, z: number, radius: number, z0: number, h: number): void {
    const { fx, fy, horizon, rw, rh, zbuf, hi, cfg } = this;
    const sx = rw / 2 + (xc * fx) / z;
    const halfW = (radius * fx) / z;
    const left = sx - halfW;
    const right = sx + halfW;
    const top = horizon - ((z0 + h - cfg.eyeHeight) * fy) / z;
    const bottom = horizon - ((z0 - cfg.eyeHeight) * fy) / z;
    const shade = light(z);
    const c0 = Math.max(0, Math.ceil(left - 0.5));
    const c1 = Math.min(rw, Math.ceil(right - 0.5));
    const r0 = Math.max(0, Math.ceil(top - 0.5));
    const r1 = Math.min(rh, Math.ceil(bottom - 0.5));
    for (let c = c0; c < c1; c++) {
      if (z >= zbuf[c]!) continue;
      const cx = Math.min(sprite.width - 1, Math.floor(((c + 0.5 - left) / (right - left)) * sprite.width));
      for (let r = r0; r < r1; r++) {
        const cy = Math.min(sprite.height - 1, Math.floor(((r + 0.5 - top) / (bottom - top)) * sprite.height));
        const cell = sprite.cells[cy * sprite.width + cx];
        if (!cell) continue;
        const i = (r * rw + c) * 3;
        hi[i] = cell[0] * shade;
        hi[i + 1] = cell[1] * shade;
        hi[i + 2] = cell[2] * shade;
      }
    }
  }

  /** A glowing (full-bright) ball of world radius `radius` centred at height `zc`. */
  private drawBall(xc: number, z: number, zc: number, radius: number, intensity: number): void {
    const { fx, fy, horizon, rw, rh, zbuf, hi, cfg } = this;
    const sx = rw / 2 + (xc * fx) / z;
    const sy = horizon - ((zc - cfg.eyeHeight) * fy) / z;
    const rx = (radius * fx) / z;
    const ry = (radius * fy) / z;
    const c0 = Math.max(0, Math.ceil(sx - rx - 0.5));
    const c1 = Math.min(rw, Math.ceil(sx + rx - 0.5));
    const r0 = Math.max(0, Math.ceil(sy - ry - 0.5));
    const r1 = Math.min(rh, Math.ceil(sy + ry - 0.5));
    for (let c = c0; c < c1; c++) {
      if (z >= zbuf[c]!) continue;
      const ux = (c + 0.5 - sx) / rx;
      for (let r = r0; r < r1; r++) {
        const uy = (r + 0.5 - sy) / ry;
        const d2 = ux * ux + uy * uy;
        if (d2 >= 1) continue;
        const col = d2 < 0.2 ? FIREBALL_CORE : d2 < 0.55 ? FIREBALL_MID : FIREBALL_RIM;
        const i = (r * rw + c) * 3;
        hi[i] = col[0] * intensity;
        hi[i + 1] = col[1] * intensity;
        hi[i + 2] = col[2] * intensity;
      }
    }
  }

  /** Box filter of the supersampled picture down to `width × height`. */
  private downsample(): Uint8Array {
    const { width, height, supersample: s, rw, hi } = this;
    const out = new Uint8Array(width * height * 3);
    if (s === 1) {
      out.set(hi);
      return out;
    }
    const n = s * s;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dy = 0; dy < s; dy++) {
          let i = ((y * s + dy) * rw + x * s) * 3;
          for (let dx = 0; dx < s; dx++, i += 3) {
            r += hi[i]!;
            g += hi[i + 1]!;
            b += hi[i + 2]!;
          }
        }
        const o = (y * width + x) * 3;
        out[o] = (r + n / 2) / n;
        out[o + 1] = (g + n / 2) / n;
        out[o + 2] = (b + n / 2) / n;
      }
    }
    return out;
  }
}

/** A flat's three tones: tile, alternate tile of the faint checker, seam. */
interface FlatPalette {
  base: Rgb;
  alt: Rgb;
  seam: Rgb;
}

function flatPalette(base: Rgb, seamShade: number): FlatPalette {
  return { base, alt: scale(base, 0.94), seam: scale(base, seamShade) };
}

const FLOOR_FLAT = flatPalette(FLOOR, 0.82);
const CEILING_FLAT = flatPalette(CEILING, 0.9);

/** Floor and ceiling flats: 64-unit tiles with thin seams and a faint checker. */
function flatTexel(wx: number, wy: number, p: FlatPalette): Rgb {
  const tx = Math.floor(wx / 64);
  const ty = Math.floor(wy / 64);
  if (wx - tx * 64 < 2 || wy - ty * 64 < 2) return p.seam;
  return ((tx + ty) & 1) === 0 ? p.base : p.alt;
}

/**
 * Wall texture: 64×32 stone blocks in running bond (odd courses shifted by half a block) with
 * 3-unit mortar joints. This tells whether wall position `u` falls on a vertical joint in a course
 * of the given parity; horizontal joints are the bottom 3 units of each 32-unit course.
 */
function brickJoint(u: number, parity: 0 | 1): boolean {
  const along = (((u + parity * 32) % 64) + 64) % 64;
  return along < 3;
}

function clampRow(r: number, rows: number): number {
  return r < 0 ? 0 : r > rows ? rows : r;
}

function scale(c: Rgb, k: number): Rgb {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/**
 * The pain flash: the frame blends towards red by the player's damage count, as (G)ZDoom blends
 * its damage colour (Doom's count: +damage per hit, −1 per tic), here at damageCount/60 capped
 * at 0.5 so that a single imp hit is plainly visible and the scene still shows through.
 */
export function applyDamageTint(frame: Uint8Array, damageCount: number): void {
  if (damageCount <= 0) return;
  const t = Math.min(0.5, damageCount / 60);
  for (let i = 0; i < frame.length; i += 3) {
    frame[i] = frame[i]! + (255 - frame[i]!) * t;
    frame[i + 1] = frame[i + 1]! * (1 - t);
    frame[i + 2] = frame[i + 2]! * (1 - t);
  }
}
