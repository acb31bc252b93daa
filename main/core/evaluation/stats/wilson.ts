/**
 * Wilson score interval for a rate, as statsmodels' proportion_confint(method='wilson') computes
 * it (no continuity correction). Bounds are clamped to [0, 1] against rounding at 0 and n.
 */
import { EMPTY_ESTIMATE, Z95, type Estimate } from './types.js';

export function wilson(successes: number, n: number, z: number = Z95): Estimate {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new RangeError(`successes must be an integer in [0, ${n}], got ${successes}`);
  }
  if (n === 0) return EMPTY_ESTIMATE;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { value: p, low: Math.max(0, center - half), high: Math.min(1, center + half), n };
}

/** The rate of `true` among outcomes, with its Wilson interval. */
export function rate(outcomes: readonly boolean[], z: number = Z95): Estimate {
  let successes = 0;
  for (const outcome of outcomes) if (outcome) successes++;
  return wilson(successes, outcomes.length, z);
}
