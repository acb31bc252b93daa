/**
 * Agreement cost: the six label fields of 100,000 items x 3 annotators (10% of labels missing),
 * coefficients, pair kappas and bootstrap intervals (default 1,000 resamples) overall and per risk
 * category, as getAgreement computes them after reading. With `--db`, also getAgreement itself on
 * a real studio.db holding those labels (seeded through appendAnnotation: triggers keep the heads),
 * reading included. Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/agreement.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/agreement.mjs && node out/perf/agreement.mjs [items] [resamples] [--db]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStudio } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { appendAnnotation } from '../../main/core/services/annotations.js';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { AGREEMENT_RESAMPLES, MISSING, createRng, measureFields, measurePairs, type FieldRatings, type MeasurementLevel } from '../../main/core/evaluation/stats/index.js';

const args = process.argv.slice(2).filter((a) => a !== '--db');
const WITH_DB = process.argv.includes('--db');
const ITEMS = Number(args[0] ?? 100_000);
const RESAMPLES = Number(args[1] ?? AGREEMENT_RESAMPLES);
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
const pairs = fields.flatMap((f) => measurePairs(f.table, { resamples: RESAMPLES }));
const end = performance.now();

console.log(`agreement: ${ITEMS} items x ${RATERS} annotators, ${fields.length} fields, ${strata.names.length} categories, ${RESAMPLES} resamples`);
console.log(`  coefficients + intervals ${(afterIntervals - start).toFixed(0)} ms, pair kappas with intervals ${(end - afterIntervals).toFixed(0)} ms, total ${(end - start).toFixed(0)} ms`);
const h = result.harmful!;
console.log(`  harmful alpha ${h.alpha?.toFixed(4)} [${h.low?.toFixed(4)}, ${h.high?.toFixed(4)}], Fleiss ${h.kappa?.toFixed(4)}, n ${h.items}; ${pairs.length} pairs`);

const RISK = ['violent_crimes', 'non_violent_crimes', 'hate', 'privacy', 'defamation', 'elections', 'specialized_advice', 'sexual_content', 'intellectual_property', 'suicide_and_self_harm'];
const EXPECTED = ['comply', 'comply_with_care', 'refuse'] as const;
const CROSS = ['none', 'text', 'image', 'combined'] as const;

/** The same labels, written into a real studio.db, then getAgreement end to end (reading included). */
async function withDatabase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-perf-agreement-'));
  const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
  try {
    const project = await core.handlers.createProject({ name: 'Perf', description: '', annotatorsPerItem: 3, preferenceCriteria: [] });
    const users = await Promise.all(['Ada', 'Bo', 'Cy'].map((name) => core.handlers.createUser({ name, role: 'annotator' })));
    const db = core.context.db.write;
    const now = new Date().toISOString();
    const t0 = performance.now();
    db.transaction(() => {
      const insert = db.prepare<{ id: number }>(
        `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
         VALUES (?, ?, ?, 'bench', 'train', 'safety', '[]', '{}', '{}', 0, ?, ?) RETURNING id`,
      );
      for (let u = 0; u < ITEMS; u++) {
        const text = `bench prompt ${u}`;
        const itemId = insert.get(project.id, `bench-${u}`, text, createHash('sha256').update(`${text}\0`).digest('hex'), now)!.id;
        for (let r = 0; r < RATERS; r++) {
          const code = (f: number) => fields[f]!.table.values[u * RATERS + r]!;
          if (code(0) === MISSING) continue;
          const harmful = code(0) === 1;
          const labels: LabelValues = {
            ...emptyLabels(),
            harmful,
            riskCategory: code(1) === MISSING ? null : RISK[code(1)]!,
            severity: code(2) === MISSING ? null : (code(2) as 0 | 1 | 2 | 3),
            expected: code(3) === MISSING ? null : EXPECTED[code(3)]!,
            jailbreakType: code(4) === MISSING ? null : `jb-${code(4)}`,
            crossModalRisk: code(5) === MISSING ? null : CROSS[code(5)]!,
          };
          appendAnnotation(db, { itemId, projectId: project.id, annotatorId: users[r]!.id, status: 'submitted', origin: 'import', labels, timeSpentMs: 1000, createdAt: now });
        }
      }
    });
    console.log(`  seeded ${ITEMS} items and their labels in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = performance.now();
    const report = await core.handlers.getAgreement({ projectId: project.id, resamples: RESAMPLES });
    console.log(
      `  getAgreement on studio.db (reading + all fields + pairs + annotators): ${(performance.now() - t1).toFixed(0)} ms; harmful alpha ${report.fields.harmful.alpha?.toFixed(4)}, n ${report.fields.harmful.items}`,
    );
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (WITH_DB) await withDatabase();
