/**
 * Downscales uint8 HWC images by an integer factor, averaging each factor×factor block (area
 * resampling, which keeps thin lines such as CarRacing's track edges visible).
 */
export function downscaleArea(images: Uint8Array, count: number, height: number, width: number, channels: number, outSize: number): Uint8Array {
  if (images.length !== count * height * width * channels) {
    throw new Error(`downscaleArea: ${images.length} bytes do not hold ${count} images of ${height}×${width}×${channels}`);
  }
  const fy = height / outSize;
  const fx = width / outSize;
  if (!Number.isInteger(fy) || !Number.isInteger(fx)) {
    throw new Error(`downscaleArea: ${height}×${width} is not an integer multiple of ${outSize}×${outSize}`);
  }
  const out = new Uint8Array(count * outSize * outSize * channels);
  const area = fy * fx;
  for (let n = 0; n < count; n++) {
    const src = n * height * width * channels;
    const dst = n * outSize * outSize * channels;
    for (let y = 0; y < outSize; y++) {
      for (let x = 0; x < outSize; x++) {
        for (let c = 0; c < channels; c++) {
          let s = 0;
          for (let dy = 0; dy < fy; dy++) for (let dx = 0; dx < fx; dx++) s += images[src + ((y * fy + dy) * width + x * fx + dx) * channels + c]!;
          out[dst + (y * outSize + x) * channels + c] = Math.round(s / area);
        }
      }
    }
  }
  return out;
}
