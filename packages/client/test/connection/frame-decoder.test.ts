import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/index.js';

function frame(payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(payload.length);
  return Buffer.concat([head, payload]);
}

describe('FrameDecoder', () => {
  it('yields the same frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (payloads, cutSeeds) => {
          const stream = Buffer.concat(payloads.map((p) => frame(Buffer.from(p))));
          const cuts = [...new Set(cutSeeds.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort(
            (a, b) => a - b,
          );
          const decoder = new FrameDecoder(1024);
          const out: Buffer[] = [];
          let at = 0;
          for (const cut of [...cuts, stream.length]) {
            out.push(...decoder.push(stream.subarray(at, cut)).map((f) => Buffer.from(f)));
            at = cut;
          }
          assert.deepEqual(
            out.map((b) => b.toString('hex')),
            payloads.map((p) => Buffer.from(p).toString('hex')),
          );
          assert.equal(decoder.bufferedBytes, 0);
        },
      ),
    );
  });

  it('rejects a frame larger than the limit and a negative size', () => {
    assert.throws(() => new FrameDecoder(100).push(frame(Buffer.alloc(101))), /exceeds the limit/);
    assert.throws(() => new FrameDecoder(100).push(Buffer.from([0xff, 0xff, 0xff, 0xff])), /exceeds the limit/);
  });
});
