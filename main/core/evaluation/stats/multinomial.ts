/**
 * Exact multinomial draws from the seeded PRNG, as conditional binomials. A bootstrap over units
 * only needs how many times each distinct unit pattern was drawn, and that count vector is
 * multinomial(n, pattern shares): drawing it directly costs O(patterns x sqrt(n)) instead of n
 * draws per resample, which is what makes 100,000-unit agreement intervals take well under a second.
 */
import type { Rng } from './rng.js';

/** log(k!) for k in [0, max], summed (not Stirling), so pmf ratios stay exact to ~1e-11. */
export function logFactorials(max: number): Float64Array {
  const table = new Float64Array(max + 1);
  for (let k = 2; k <= max; k++) table[k] = table[k - 1]! + Math.log(k);
  return table;
}

/**
 * Binomial(n, p) by inversion from the mode outward: the pmf at the mode from the log-factorial
 * table, then one step down and one up at a time (pmf ratios), subtracting from one uniform until
 * it is used up. Expected steps O(sqrt(n p (1 - p))). `logFact` must reach n.
 */
export function binomial(rng: Rng, n: number, p: number, logFact: Float64Array): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const q = 1 - p;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const atMode = Math.exp(logFact[n]! - logFact[mode]! - logFact[n - mode]! + mode * Math.log(p) + (n - mode) * Math.log(q));
  let u = rng.next() - atMode;
  if (u < 0) return mode;
  const odds = p / q;
  let down = mode;
  let up = mode;
  let pDown = atMode;
  let pUp = atMode;
  for (;;) {
    let moved = false;
    if (down > 0) {
      pDown *= down / ((n - down + 1) * odds);
      down--;
      u -= pDown;
      if (u < 0) return down;
      moved = pDown > 0;
    }
    if (up < n) {
      pUp *= ((n - up) * odds) / (up + 1);
      up++;
      u -= pUp;
      if (u < 0) return up;
      moved = moved || pUp > 0;
    }
    // Both tails underflowed with a sliver of u left (the rounding of a total of 1): the mode it is.
    if (!moved) return mode;
  }
}

/** Fills `out[i]` with draws of multinomial(n, weights / sum(weights)); zero weights get zero. */
export function multinomial(rng: Rng, n: number, weights: ArrayLike<number>, out: Float64Array, logFact: Float64Array): void {
  let remainingWeight = 0;
  for (let i = 0; i < weights.length; i++) remainingWeight += weights[i]!;
  let remaining = n;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (remaining === 0 || w === 0) {
      out[i] = 0;
      continue;
    }
    const x = i === weights.length - 1 || w >= remainingWeight ? remaining : binomial(rng, remaining, w / remainingWeight, logFact);
    out[i] = x;
    remaining -= x;
    remainingWeight -= w;
  }
}
