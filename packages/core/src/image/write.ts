import { atomicWriteFile } from '../io/atomic-write.js';
import type { Frame } from './frame.js';
import { type GifOptions, encodeGif } from './gif.js';
import { encodePng } from './png.js';

/** Writes a PNG file atomically. */
export async function writePng(path: string, f: Frame): Promise<void> {
  await atomicWriteFile(path, encodePng(f));
}

/** Writes a GIF file atomically. */
export async function writeGif(path: string, frames: Frame[], options?: GifOptions): Promise<void> {
  await atomicWriteFile(path, encodeGif(frames, options));
}
