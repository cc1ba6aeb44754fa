export { type Frame, frame, floatToBytes, toRgba, upscale, imageGrid, hstack } from './frame.js';
export { encodePng, decodePng } from './png.js';
export { encodeGif, type GifOptions } from './gif.js';
export { writePng, writeGif } from './write.js';
