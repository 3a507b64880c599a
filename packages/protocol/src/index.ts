export * from './primitives/index.js';
export * from './generated/index.js';
