/**
 * Splits a TCP byte stream into Kafka frames (int32 size prefix + payload).
 * A socket read holding whole frames is sliced without copying. A frame that
 * spans reads (a large Fetch answer arrives in many 64 KiB reads) is copied
 * once into a buffer of its final size as each read arrives, while the bytes
 * are still in cache, instead of keeping every read and joining them at the end.
 */
export class FrameDecoder {
  /** Bytes received that do not yet make a frame size prefix, or a frame started in the current read. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The frame being filled (size prefix included), and how much of it has arrived. */
  private frame: Buffer | null = null;
  private filled = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** Feeds bytes; returns every complete frame payload (without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    let rest = chunk;
    if (this.frame !== null) {
      const n = Math.min(rest.length, this.frame.length - this.filled);
      rest.copy(this.frame, this.filled, 0, n);
      this.filled += n;
      if (this.filled < this.frame.length) return frames;
      frames.push(this.frame.subarray(4));
      this.frame = null;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return frames;
    this.chunks.push(rest);
    this.buffered += rest.length;
    while (this.buffered >= 4) {
      const head = this.contiguous(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.frameBytesMax) {
        throw new RangeError(`frame of ${size} bytes exceeds the limit of ${this.frameBytesMax}`);
      }
      if (this.buffered < 4 + size) {
        this.startFrame(4 + size);
        break;
      }
      const whole = this.contiguous(4 + size);
      frames.push(whole.subarray(4, 4 + size));
      this.consume(4 + size);
    }
    return frames;
  }

  get bufferedBytes(): number {
    return this.frame === null ? this.buffered : this.filled;
  }

  /** Moves what has arrived of an incomplete frame into a buffer of its full size; later reads go straight there. */
  private startFrame(bytes: number): void {
    this.frame = Buffer.allocUnsafe(bytes);
    this.filled = 0;
    for (const c of this.chunks) {
      c.copy(this.frame, this.filled);
      this.filled += c.length;
    }
    this.chunks = [];
    this.buffered = 0;
  }

  /** A view of the first n buffered bytes, joining chunks only when needed. */
  private contiguous(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [joined];
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
