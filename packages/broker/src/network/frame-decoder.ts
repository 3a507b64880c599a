const SIZE_PREFIX_BYTES = 4;
const EMPTY = Buffer.alloc(0);

export type FrameResult = { ok: true } | { ok: false; reason: string };

/**
 * Splits a TCP byte stream into Kafka's size-prefixed frames. Received chunks
 * are kept in a list and each frame is sliced out once: a frame inside one
 * chunk is a zero-copy view, a frame spanning chunks is copied exactly once.
 * Nothing is concatenated per packet, so a large frame arriving in many small
 * packets costs O(n), not O(n^2).
 */
export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private head = 0;
  /** Read position inside chunks[head]. */
  private headOffset = 0;
  private buffered = 0;
  /** Size of the frame being collected, or -1 while its prefix is incomplete. */
  private frameSize = -1;

  constructor(private readonly frameSizeMaxBytes: number) {}

  /** Bytes received but not yet handed out as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Adds received bytes and calls onFrame for each complete frame (the payload
   * without its size prefix). Stops with an error result on a frame larger
   * than the limit or a negative size; the connection must then be closed.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): FrameResult {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < SIZE_PREFIX_BYTES) return { ok: true };
        const size = this.take(SIZE_PREFIX_BYTES).readInt32BE(0);
        if (size < 0) return { ok: false, reason: `negative frame size ${size}` };
        if (size > this.frameSizeMaxBytes) {
          return {
            ok: false,
            reason: `frame of ${size} bytes exceeds socket.request.max.bytes ${this.frameSizeMaxBytes}`,
          };
        }
        this.frameSize = size;
      }
      if (this.buffered < this.frameSize) return { ok: true };
      const frame = this.take(this.frameSize);
      this.frameSize = -1;
      onFrame(frame);
    }
  }

  /** Removes n buffered bytes (n <= buffered): a view when they lie in one chunk, else one copy. */
  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
    this.buffered -= n;
    const first = this.chunks[this.head]!;
    const available = first.length - this.headOffset;
    if (n <= available) {
      const view = first.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      if (this.headOffset === first.length) this.advanceHead();
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(n - filled, chunk.length - this.headOffset);
      chunk.copy(out, filled, this.headOffset, this.headOffset + count);
      filled += count;
      this.headOffset += count;
      if (this.headOffset === chunk.length) this.advanceHead();
    }
    return out;
  }

  private advanceHead(): void {
    this.head++;
    this.headOffset = 0;
    // Compact the list now and then instead of shifting on every chunk.
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }
}
