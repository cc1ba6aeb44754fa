/** An 8-bit image in HWC order (channels 1 = grey, 3 = RGB, 4 = RGBA). */
export interface Frame {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Wraps raw HWC bytes as a frame, checking the length. */
export function frame(data: Uint8Array, height: number, width: number, channels: 1 | 3 | 4 = 3): Frame {
  if (data.length !== height * width * channels) {
    throw new Error(`frame of ${height}×${width}×${channels} needs ${height * width * channels} bytes, got ${data.length}`);
  }
  return { data, width, height, channels };
}

/** Converts float values in [0, 1] (e.g. a decoder's output) to bytes, clamping. */
export function floatToBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(values[i]! * 255)));
  return out;
}

/** RGBA bytes of a frame (alpha 255). */
export function toRgba(f: Frame): Uint8Array {
  const n = f.width * f.height;
  if (f.channels === 4) return f.data;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    if (f.channels === 3) {
      out[i * 4] = f.data[i * 3]!;
      out[i * 4 + 1] = f.data[i * 3 + 1]!;
      out[i * 4 + 2] = f.data[i * 3 + 2]!;
    } else {
      out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = f.data[i]!;
    }
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** Nearest-neighbour upscale by an integer factor (to make 64×64 frames visible). */
export function upscale(f: Frame, factor: number): Frame {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`upscale factor must be a positive integer, got ${factor}`);
  const width = f.width * factor;
  const height = f.height * factor;
  const c = f.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < width; x++) {
      const s = (sy * f.width + Math.floor(x / factor)) * c;
      const d = (y * width + x) * c;
      for (let k = 0; k < c; k++) data[d + k] = f.data[s + k]!;
    }
  }
  return { data, width, height, channels: c };
}

/**
 * Tiles frames of one size into a grid, row by row, with `gap` pixels of `background` between
 * them (e.g. originals in the first row, reconstructions in the second).
 */
export function imageGrid(frames: Frame[], rows: number, cols: number, options: { gap?: number; background?: number } = {}): Frame {
  const first = frames[0];
  if (!first) throw new Error('imageGrid needs at least one frame');
  if (frames.length > rows * cols) throw new Error(`imageGrid: ${frames.length} frames do not fit ${rows}×${cols}`);
  const { width: fw, height: fh, channels: c } = first;
  for (const f of frames) {
    if (f.width !== fw || f.height !== fh || f.channels !== c) throw new Error('imageGrid: all frames must have the same size and channels');
  }
  const gap = options.gap ?? 2;
  const width = cols * fw + (cols - 1) * gap;
  const height = rows * fh + (rows - 1) * gap;
  const data = new Uint8Array(width * height * c).fill(options.background ?? 255);
  frames.forEach((f, i) => {
    const r = Math.floor(i / cols);
    const col = i % cols;
    for (let y = 0; y < fh; y++) {
      const dst = ((r * (fh + gap) + y) * width + col * (fw + gap)) * c;
      data.set(f.data.subarray(y * fw * c, (y + 1) * fw * c), dst);
    }
  });
  return { data, width, height, channels: c };
}

/** Places frames of equal height side by side (e.g. real frame | reconstruction | prediction). */
export function hstack(frames: Frame[], gap = 2): Frame {
  return imageGrid(frames, 1, frames.length, { gap });
}
