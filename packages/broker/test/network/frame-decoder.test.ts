import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/network/frame-decoder.js';

function frame(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

describe('FrameDecoder', () => {
  it('yields the same frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 50 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => frame(Buffer.from(p))));
          const decoder = new FrameDecoder(1024);
          const got: Buffer[] = [];
          let at = 0;
          let i = 0;
          while (at < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            const result = decoder.push(stream.subarray(at, at + n), (f) => got.push(Buffer.from(f)));
            assert.equal(result.ok, true);
            at += n;
          }
          assert.deepEqual(
            got.map((b) => b.toString('hex')),
            payloads.map((p) => Buffer.from(p).toString('hex')),
          );
          assert.equal(decoder.bufferedBytes, 0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a view, not a copy, for a frame inside one chunk', () => {
    const data = frame(Buffer.from('hello'));
    const decoder = new FrameDecoder(100);
    let seen: Buffer | undefined;
    decoder.push(data, (f) => (seen = f));
    assert.equal(seen!.buffer, data.buffer);
    assert.equal(seen!.toString(), 'hello');
  });

  it('rejects a frame over the size limit before buffering it', () => {
    const decoder = new FrameDecoder(10);
    const header = Buffer.alloc(4);
    header.writeInt32BE(11, 0);
    const result = decoder.push(header, () => assert.fail('no frame expected'));
    assert.equal(result.ok, false);
    assert.match((result as { reason: string }).reason, /exceeds socket.request.max.bytes 10/);
  });

  it('rejects a negative size', () => {
    const decoder = new FrameDecoder(10);
    const result = decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff]), () => {});
    assert.equal(result.ok, false);
  });

  it('collects a large frame sent byte by byte in linear time', () => {
    const payload = Buffer.alloc(200_000, 7);
    const data = frame(payload);
    const decoder = new FrameDecoder(1_000_000);
    const started = performance.now();
    let got: Buffer | undefined;
    for (let i = 0; i < data.length; i += 16) decoder.push(data.subarray(i, i + 16), (f) => (got = f));
    assert.equal(got!.length, payload.length);
    assert.ok(got!.equals(payload));
    // 12,500 pushes; quadratic concatenation would copy ~1.25 GB here.
    assert.ok(performance.now() - started < 1000, 'decoding took too long');
  });
});
