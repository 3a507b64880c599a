import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseProperties } from '../../src/config/properties.js';

describe('parseProperties', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['key=value', 'a=b', { a: 'b' }],
    ['colon separator', 'a:b', { a: 'b' }],
    ['space separator', 'a b', { a: 'b' }],
    ['spaces around separator', '  a  =  b c ', { a: 'b c ' }],
    ['hash and bang comments', '# x=y\n! z=w\na=1', { a: '1' }],
    ['empty value', 'a=', { a: '' }],
    ['line continuation', 'a=one,\\\n    two', { a: 'one,two' }],
    ['escaped separator in key', 'a\\=b=c', { 'a=b': 'c' }],
    ['unicode escape', 'a=\\u0041\\t', { a: 'A\t' }],
    ['last duplicate wins', 'a=1\na=2', { a: '2' }],
    ['CRLF line ends', 'a=1\r\nb=2\r\n', { a: '1', b: '2' }],
    ['escaped backslash is not a continuation', 'a=c:\\\\\nb=2', { a: 'c:\\', b: '2' }],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(Object.fromEntries(parseProperties(text)), expected));
  }
});
