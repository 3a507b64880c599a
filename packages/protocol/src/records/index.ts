export * from './batch-header.js';
export { crc32c } from './crc32c.js';
