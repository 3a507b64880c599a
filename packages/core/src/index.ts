export { AssertionError, assert, unreachable } from './assert.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { type Random, SeededRandom } from './random.js';
