export { atomicWriteFile, atomicWriteJson } from './atomic-write.js';
export { sha256Hex } from './checksum.js';
export { readJsonFile } from './read-json.js';
