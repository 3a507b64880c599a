export { murmur2, partitionForKey, toPositive } from './murmur2.js';
export { xxhash32 } from './xxhash32.js';
