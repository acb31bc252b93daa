/**
 * The shapes every statistic here returns, so a view can show any metric the same way: the value,
 * its 95% interval and the n behind it.
 */

/** A rate (a fraction in [0, 1]) or a mean with its 95% interval; all null when there is nothing to measure. */
export type Estimate = { value: number; low: number; high: number; n: number } | { value: null; low: null; high: null; n: 0 };

export const EMPTY_ESTIMATE: Estimate = Object.freeze({ value: null, low: null, high: null, n: 0 });

/**
 * B minus A on the same items. `unit` says what the numbers are: `points` are percentage points
 * (a difference in rates times 100), `score` is the unit of the values compared (helpfulness 1-5,
 * a capability score). `p` is two-sided; `n` counts the paired items.
 */
export interface PairedDifference {
  difference: number | null;
  low: number | null;
  high: number | null;
  p: number;
  n: number;
  unit: 'points' | 'score';
  method: 'newcombe-mcnemar' | 'paired-bootstrap';
}

/** z for a two-sided 95% interval: scipy.stats.norm.isf(0.025), what statsmodels uses. */
export const Z95 = 1.959963984540054;
