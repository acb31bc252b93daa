/**
 * Core-level latency of the pairwise loop on a 100,000-response project (3 models x 33,334 items),
 * below the HTTP API that `npm run bench:preferences` measures: submitPreference and getPairQueue
 * called on the handlers, next to a bare durable write (one UPDATE committed with
 * synchronous=FULL), the floor every vote pays for its fsync. Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/core-pairs.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/core-pairs.mjs && node out/perf/core-pairs.mjs [items] [votes]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStudio } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { insertResponse } from '../../main/core/responses/store.js';

const ITEMS = Number(process.argv[2] ?? 33_334);
const VOTES = Number(process.argv[3] ?? 1_000);
const MODELS = ['model-a', 'model-b', 'model-c'];

const dir = mkdtempSync(join(tmpdir(), 'studio-perf-pairs-'));
const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
try {
  const h = core.handlers;
  const project = await h.createProject({ name: 'pairs perf', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
  const user = await h.createUser({ name: 'voter', role: 'annotator' });
  const db = core.context.db.write;
  const now = new Date().toISOString();
  const insertItem = db.prepare<{ id: number }>(
    `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
     VALUES (?, ?, ?, 'perf', 'eval', 'safety', '[]', '{}', '{}', 0, ?, ?) RETURNING id`,
  );
  db.transaction(() => {
    for (let i = 0; i < ITEMS; i++) {
      const itemId = insertItem.get(project.id, `perf-${i}`, `prompt ${i}`, String(i).padStart(64, '0'), now)!.id;
      for (const model of MODELS) {
        insertResponse(db, {
          projectId: project.id,
          itemId,
          modelId: null,
          modelName: model,
          sampleIndex: 0,
          text: `${model} on ${i}`,
          params: {},
          origin: 'imported',
          importId: null,
          createdAt: now,
        });
      }
    }
  });
  const c0 = performance.now();
  let queue = await h.getPairQueue({ projectId: project.id, annotatorId: user.id, count: 3 });
  console.log(`${(ITEMS * MODELS.length).toLocaleString('en')} responses; first getPairQueue (catalogue build) ${(performance.now() - c0).toFixed(1)} ms`);
  const times: Record<'submitPreference' | 'getPairQueue (count 3)' | 'bare durable write', number[]> = { submitPreference: [], 'getPairQueue (count 3)': [], 'bare durable write': [] };
  const floor = db.prepare('UPDATE project SET description = ? WHERE id = ?');
  for (let i = 0; i < VOTES; i++) {
    const pair = queue.pairs[0]!;
    const a = performance.now();
    await h.submitPreference({
      leftResponseId: pair.left.responseId,
      rightResponseId: pair.right.responseId,
      annotatorId: user.id,
      choice: i % 2 ? 'left' : 'right',
      criteria: {},
      blind: true,
      timeSpentMs: 1,
    });
    const b = performance.now();
    queue = await h.getPairQueue({ projectId: project.id, annotatorId: user.id, count: 3 });
    const c = performance.now();
    db.transaction(() => floor.run(String(i), project.id));
    const d = performance.now();
    times.submitPreference.push(b - a);
    times['getPairQueue (count 3)'].push(c - b);
    times['bare durable write'].push(d - c);
  }
  for (const [name, samples] of Object.entries(times)) {
    samples.sort((x, y) => x - y);
    const at = (p: number) => samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)]!.toFixed(2);
    console.log(`  ${name.padEnd(24)} p50 ${at(50)} ms  p95 ${at(95)} ms  p99 ${at(99)} ms`);
  }
} finally {
  core.close();
  rmSync(dir, { recursive: true, force: true });
}
