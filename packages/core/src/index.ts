export * from './random/index.js';
export * from './dataset/index.js';
