/**
 * Adjudication cost on a 100,000-item project x 3 annotators (about a third of the items
 * disagree): getReviewQueue (the queue is decided from the label heads at every call), a
 * setGoldLabel round, and the label rule's pass over the whole project that the training preview
 * makes (projectFacts: gold map + per-item resolution). Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/review-queue.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/review-queue.mjs && node out/perf/review-queue.mjs [items]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStudio } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { appendAnnotation } from '../../main/core/services/annotations.js';
import { projectFacts } from '../../main/core/training/snapshot.js';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'cosmo-perf-review-'));
const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
try {
  const project = await core.handlers.createProject({ name: 'Perf', description: '', annotatorsPerItem: 3, preferenceCriteria: [] });
  const users = await Promise.all(['Ada', 'Bo', 'Cy', 'Rita'].map((name) => core.handlers.createUser({ name, role: name === 'Rita' ? 'reviewer' : 'annotator' })));
  const db = core.context.db.write;
  const now = new Date().toISOString();
  const harmful: LabelValues = { ...emptyLabels(), harmful: true, riskCategory: 'hate', severity: 2, expected: 'refuse' };
  const benign: LabelValues = { ...emptyLabels(), harmful: false, expected: 'comply' };
  const t0 = performance.now();
  db.transaction(() => {
    const insert = db.prepare<{ id: number }>(
      `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
       VALUES (?, ?, ?, 'bench', 'train', 'safety', '[]', '{}', '{}', 0, ?, ?) RETURNING id`,
    );
    for (let u = 0; u < ITEMS; u++) {
      const text = `bench prompt ${u}`;
      const itemId = insert.get(project.id, `bench-${u}`, text, createHash('sha256').update(`${text}\0`).digest('hex'), now)!.id;
      for (let r = 0; r < 3; r++) {
        // Every third item: the third annotator disagrees.
        const labels = u % 3 === 0 && r === 2 ? benign : harmful;
        appendAnnotation(db, { itemId, projectId: project.id, annotatorId: users[r]!.id, status: 'submitted', origin: 'import', labels, timeSpentMs: 1000, createdAt: now });
      }
    }
  });
  console.log(`review queue: ${ITEMS} items x 3 annotators seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const reviewer = users[3]!.id;
  let t = performance.now();
  const q = await core.handlers.getReviewQueue({ projectId: project.id, reviewerId: reviewer });
  console.log(`  getReviewQueue: ${ms(t)} (${q.progress.remaining} cases)`);
  t = performance.now();
  const gold = await core.handlers.setGoldLabel({ itemId: q.current!.detail.item.id, reviewerId: reviewer, fromAnnotatorId: users[0]!.id, labels: null, reason: 'perf' });
  console.log(`  setGoldLabel (write + the next queue's counts): ${ms(t)} (${gold.progress.remaining} left)`);
  await core.handlers.setQualityRules({ projectId: project.id, rules: { review: 'any_disagreement', reviewMinShare: 1, trainingMinAgreement: 0.7 } });
  t = performance.now();
  const facts = await projectFacts(core.context, project.id);
  console.log(`  projectFacts with the label rule: ${ms(t)} (gold ${facts.labelSource.gold}, majority ${facts.labelSource.majority}, excluded ${facts.labelSource.excluded})`);
} finally {
  core.close();
  rmSync(dir, { recursive: true, force: true });
}
