// A tiny seeded PRNG (mulberry32) for anything in the domain that must look random yet replay
// identically: price simulations, and the seeded streams of tests and benchmarks.

/** A deterministic generator: `next()` is uniform in [0, 1); `int(n)` is uniform in 0..n-1. */
export interface SeededRandom {
  next(): number
  int(n: number): number
}

/** mulberry32 seeded with a 32-bit integer; the same seed always yields the same sequence. */
export const seededRandom = (seed: number): SeededRandom => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (n) => Math.floor(next() * n) }
}
