export * from './primitives/index.js';
export * from './generated/index.js';
export * from './records/index.js';
export * from './errors/index.js';
export * from './hash/index.js';
export * from './compression/index.js';
