/**
 * Splits a TCP byte stream into Kafka frames (int32 size prefix + payload).
 * Chunks are kept as a list and joined only when a frame spans several of them,
 * so a socket read holding many whole responses is sliced without copying.
 */
export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** Feeds bytes; returns every complete frame payload (without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.contiguous(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.frameBytesMax) {
        throw new RangeError(`frame of ${size} bytes exceeds the limit of ${this.frameBytesMax}`);
      }
      if (this.buffered < 4 + size) break;
      const frame = this.contiguous(4 + size);
      frames.push(frame.subarray(4, 4 + size));
      this.consume(4 + size);
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** A view of the first n buffered bytes, joining chunks only when needed. */
  private contiguous(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks.length = 0;
    this.chunks.push(joined);
    return joined;
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      if (first.length <= n) {
        this.chunks.shift();
        n -= first.length;
      } else {
        this.chunks[0] = first.subarray(n);
        n = 0;
      }
    }
  }
}
