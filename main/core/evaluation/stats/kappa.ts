/**
 * Agreement of two label sequences over the same items (an automatic verifier tier against people,
 * or two annotators): Cohen's kappa, unweighted, as sklearn's cohen_kappa_score, and the raw
 * accuracy (share of items on which they agree) with its Wilson interval.
 */
import { Z95, type Estimate } from './types.js';
import { wilson } from './wilson.js';

export type Label = string | number | boolean;

export interface Agreement {
  /** (observed - expected agreement) / (1 - expected); null when undefined (no items, or both give one same label throughout). */
  kappa: number | null;
  accuracy: Estimate;
  n: number;
}

export function cohenKappa(labelsA: readonly Label[], labelsB: readonly Label[], z: number = Z95): Agreement {
  if (labelsA.length !== labelsB.length) {
    throw new RangeError(`label sequences differ in length: ${labelsA.length} and ${labelsB.length}`);
  }
  const n = labelsA.length;
  const countsA = new Map<Label, number>();
  const countsB = new Map<Label, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    const a = labelsA[i]!;
    const b = labelsB[i]!;
    if (a === b) agree++;
    countsA.set(a, (countsA.get(a) ?? 0) + 1);
    countsB.set(b, (countsB.get(b) ?? 0) + 1);
  }
  const accuracy = wilson(agree, n, z);
  if (n === 0) return { kappa: null, accuracy, n };
  let expected = 0;
  for (const [label, count] of countsA) expected += (count / n) * ((countsB.get(label) ?? 0) / n);
  const observed = agree / n;
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { kappa, accuracy, n };
}
