/**
 * Agreement cost: the six label fields of 100,000 items x 3 annotators (10% of labels missing),
 * coefficients, pair kappas and bootstrap intervals (default 1,000 resamples) overall and per risk
 * category, as getAgreement computes them after reading. Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/agreement.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/agreement.mjs && node out/perf/agreement.mjs [items] [resamples]
 */
import { performance } from 'node:perf_hooks';
import { AGREEMENT_RESAMPLES, MISSING, createRng, measureFields, pairwiseKappas, type FieldRatings, type MeasurementLevel } from '../../main/core/evaluation/stats/index.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const RESAMPLES = Number(process.argv[3] ?? AGREEMENT_RESAMPLES);
const RATERS = 3;
const FIELDS: [string, MeasurementLevel, number][] = [
  ['harmful', 'nominal', 2],
  ['riskCategory', 'nominal', 10],
  ['severity', 'ordinal', 4],
  ['expected', 'nominal', 3],
  ['jailbreakType', 'nominal', 6],
  ['crossModalRisk', 'nominal', 4],
];

const rng = createRng(2026);
const fields: FieldRatings[] = FIELDS.map(([name, level, categories]) => {
  const values = new Int32Array(ITEMS * RATERS);
  for (let u = 0; u < ITEMS; u++) {
    const truth = rng.int(categories);
    for (let r = 0; r < RATERS; r++) {
      const x = rng.next();
      values[u * RATERS + r] = x < 0.1 ? MISSING : x < 0.75 ? truth : rng.int(categories);
    }
  }
  return { name, level, table: { units: ITEMS, raters: RATERS, categories, values } };
});
const riskCategories = fields[1]!.table;
const of = Int32Array.from({ length: ITEMS }, (_, u) => riskCategories.values[u * RATERS]!);
const strata = { of, names: Array.from({ length: 10 }, (_, i) => `category-${i}`) };

const start = performance.now();
const result = measureFields(fields, strata, { resamples: RESAMPLES });
const afterIntervals = performance.now();
const pairs = fields.flatMap((f) => pairwiseKappas(f.table));
const end = performance.now();

console.log(`agreement: ${ITEMS} items x ${RATERS} annotators, ${fields.length} fields, ${strata.names.length} categories, ${RESAMPLES} resamples`);
console.log(`  coefficients + intervals ${(afterIntervals - start).toFixed(0)} ms, pair kappas ${(end - afterIntervals).toFixed(0)} ms, total ${(end - start).toFixed(0)} ms`);
const h = result.harmful!;
console.log(`  harmful alpha ${h.alpha?.toFixed(4)} [${h.low?.toFixed(4)}, ${h.high?.toFixed(4)}], Fleiss ${h.kappa?.toFixed(4)}, n ${h.items}; ${pairs.length} pairs`);
