import { readFileSync } from 'node:fs';

/** Reads a committed fixture; tests run from dist/test/<dir>/, fixtures stay in test/. */
export function readFixture(relativePath: string): Buffer {
  return readFileSync(new URL(`../../../test/${relativePath}`, import.meta.url));
}

export function readJsonFixture<T>(relativePath: string): T {
  return JSON.parse(readFixture(relativePath).toString('utf8')) as T;
}
