export * from './random/index.js';
export * from './dataset/index.js';
export * from './progress/index.js';
export * from './image/index.js';
export * from './backend/index.js';
export * from './checkpoint/index.js';
export * from './ops/index.js';
