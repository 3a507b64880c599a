/** Randomness as the cores see it: injected and seedable, never Math.random(). */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
}

/** A small, fast, seedable generator (SplitMix32-style); the same seed gives the same sequence. */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
}
