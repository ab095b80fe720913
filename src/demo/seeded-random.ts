import { DemoError } from './demo-error.js';

/**
 * A small seeded generator (sfc32, seeded through splitmix32). Every person draws from their
 * own stream, derived from (seed, index), so the data does not depend on chunk sizes or on the
 * order in which chunks are written: the same seed gives the same people.
 */
export interface Weighted<T> {
  value: T;
  weight: number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    const mix = splitmix32((seed ^ Math.imul(stream + 1, 0x27d4eb2d)) >>> 0);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new DemoError('demo.options_invalid', 'pick from an empty list');
    return item;
  }

  /** `n` digits as a string, leading zeros kept. */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
}

/** Picks by weight in O(log n): build once per list, draw many times. */
export class WeightedPicker<T> {
  private readonly values: T[];
  private readonly cumulative: number[];
  private readonly total: number;

  constructor(items: readonly Weighted<T>[]) {
    this.values = [];
    this.cumulative = [];
    let sum = 0;
    for (const item of items) {
      if (item.weight <= 0) continue;
      sum += item.weight;
      this.values.push(item.value);
      this.cumulative.push(sum);
    }
    if (this.values.length === 0) throw new DemoError('demo.options_invalid', 'a weighted list needs a positive weight');
    this.total = sum;
  }

  pick(rng: SeededRandom): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo] as T;
  }
}
