export { DatasetWriter, type DatasetWriterOptions, type EpisodeInput, type WriteEpisodeOptions } from './dataset-writer.js';
export {
  DatasetReader, type Episode, type FrameBatch, type SequenceBatch, type FramesOptions, type SequencesOptions, type CorruptHandler,
} from './dataset-reader.js';
export { CorruptEpisodeError } from './corrupt-episode-error.js';
export { type ArraySpec, type DatasetManifest, type EpisodeEntry, episodeStem } from './manifest.js';
export { type DType, type NdArray, type TypedArray, ndarray, sizeOf, allocate, dtypeOf } from './ndarray.js';
export { encodeNpy, decodeNpy } from './npy.js';
export { encodeNpz, decodeNpz, writeNpz, readNpz, type NpzOptions } from './npz.js';
export { float32ToFloat16, float16ToFloat32, toHalfBits, fromHalfBits } from './float16.js';
export { atomicWriteFile, atomicWriteJson, sha256Hex, readJsonFile } from '../io/index.js';
