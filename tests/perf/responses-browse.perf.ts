/**
 * Core-level latency of the responses list, the item drawer's responses, the stats and the two
 * response exports on a project with 100,000 responses (25,000 items x 4 models, two annotators'
 * verdicts on most of them, votes on some pairs). Prints figures; asserts nothing.
 *
 *   npx esbuild tests/perf/responses-browse.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/responses-browse.mjs && node out/perf/responses-browse.mjs [items]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { VERDICTS } from '../../preload/contract/responses.js';
import { openStudio, type StudioCore } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { appendPreference, appendResponseLabel, insertResponse } from '../../main/core/responses/store.js';

const ITEMS = Number(process.argv[2] ?? 25_000);
const MODELS = ['base', 'ckpt-20', 'ckpt-40', 'ckpt-60'];

async function call<K extends MethodName>(core: StudioCore, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const method = studioMethods[name];
  const parsed = method.input.parse(input);
  const out = await (core.handlers[name] as (i: unknown) => unknown)(parsed);
  return method.output.parse(out) as MethodOutput<K>;
}

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function bench<K extends MethodName>(core: StudioCore, label: string, name: K, input: () => MethodInput<K>, n = 20): Promise<MethodOutput<K>> {
  const samples: number[] = [];
  let last: MethodOutput<K> | undefined;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    last = await call(core, name, input());
    samples.push(performance.now() - t0);
  }
  const f = (x: number) => x.toFixed(2).padStart(8);
  const total = last && typeof last === 'object' && 'total' in last ? ` total ${String(last.total)}` : '';
  console.log(`${label.padEnd(46)} n=${String(n).padStart(3)}  p50 ${f(pct(samples, 50))} ms  p95 ${f(pct(samples, 95))} ms${total}`);
  return last!;
}

function seed(core: StudioCore, projectId: number, ada: number, bob: number): void {
  const db = core.context.db.write;
  const now = new Date().toISOString();
  let rng = 7;
  const rand = (k: number) => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % k;
  };
  const t0 = performance.now();
  db.transaction(() => {
    const insertItem = db.prepare<{ id: number }>(
      `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
       VALUES (?, ?, ?, 'bench', 'train', 'safety', '[]', '{}', '{}', 0, ?, ?) RETURNING id`,
    );
    for (let i = 0; i < ITEMS; i++) {
      const text = `prompt ${i} about ${i % 7 === 0 ? 'chemistry' : 'weekend plans'} and more words here`;
      const itemId = insertItem.get(projectId, `item-${i}`, text, createHash('sha256').update(text).digest('hex'), now)!.id;
      const ids = MODELS.map((modelName) =>
        insertResponse(db, {
          projectId,
          itemId,
          modelId: null,
          modelName,
          sampleIndex: 0,
          text: `${modelName} answers prompt ${i}: ${'lorem ipsum '.repeat(30)}`,
          params: {},
          origin: 'imported',
          importId: null,
          createdAt: now,
        }),
      );
      for (const responseId of ids) {
        if (rand(10) < 8) {
          const verdict = VERDICTS[rand(6)]!;
          for (const annotatorId of [ada, bob]) {
            const v = annotatorId === bob && rand(10) < 3 ? VERDICTS[rand(6)]! : verdict;
            appendResponseLabel(db, {
              responseId,
              projectId,
              itemId,
              annotatorId,
              status: 'submitted',
              origin: 'import',
              values: { verdict: v, helpfulness: 3, idealResponse: null, rationale: null },
              timeSpentMs: 1000,
              createdAt: now,
            });
          }
        }
      }
      if (rand(4) === 0) {
        appendPreference(db, {
          projectId,
          itemId,
          responseAId: ids[0]!,
          responseBId: ids[2]!,
          annotatorId: ada,
          status: 'submitted',
          origin: 'import',
          values: { choice: (['a', 'b', 'tie', 'both_bad'] as const)[rand(4)]!, criteria: {} },
          blind: true,
          leftResponseId: ids[2]!,
          timeSpentMs: 900,
          createdAt: now,
        });
      }
    }
  });
  console.log(`seeded ${ITEMS} items, ${ITEMS * MODELS.length} responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const dir = process.env.KEEP_DIR ?? mkdtempSync(join(tmpdir(), 'responses-perf-'));
  const core = await openStudio({ host: 'server', version: 'perf', log: silentLogger(), dataDir: dir });
  try {
    const project = await call(core, 'createProject', { name: 'perf', annotatorsPerItem: 2 });
    const ada = await call(core, 'createUser', { name: 'Ada', role: 'annotator' });
    const bob = await call(core, 'createUser', { name: 'Bob', role: 'annotator' });
    seed(core, project.id, ada.id, bob.id);
    core.context.db.write.exec('ANALYZE');
    const p = project.id;
    let offset = 0;
    await bench(core, 'listResponses, no filter, paging', 'listResponses', () => ({ projectId: p, offset: (offset += 25) * 37, limit: 25 }));
    await bench(core, 'listResponses, model', 'listResponses', () => ({ projectId: p, filter: { model: 'ckpt-40' }, limit: 25 }));
    await bench(core, 'listResponses, verdict unsafe', 'listResponses', () => ({ projectId: p, filter: { verdict: 'unsafe' }, limit: 25 }));
    await bench(core, 'listResponses, disagreement', 'listResponses', () => ({ projectId: p, filter: { disagreement: true }, limit: 25 }));
    await bench(core, 'listResponses, agreement', 'listResponses', () => ({ projectId: p, filter: { disagreement: false }, limit: 25 }));
    await bench(core, 'listResponses, model + verdict + disagreement', 'listResponses', () => ({ projectId: p, filter: { model: 'base', verdict: 'care', disagreement: true }, limit: 25 }));
    await bench(core, 'listResponses, search "chemistry"', 'listResponses', () => ({ projectId: p, filter: { search: 'chemistry' }, limit: 25 }));
    await bench(core, 'listResponses, search "zz" (short)', 'listResponses', () => ({ projectId: p, filter: { search: 'zz' }, limit: 25 }));
    let item = 0;
    await bench(core, 'getItemResponses', 'getItemResponses', () => ({ itemId: 1 + ((item += 997) % ITEMS) }), 100);
    await bench(core, 'getStats', 'getStats', () => ({ projectId: p }), 5);
    await bench(core, 'exportProject responses', 'exportProject', () => ({ projectId: p, format: 'responses' }), 1);
    await bench(core, 'exportProject preferences', 'exportProject', () => ({ projectId: p, format: 'preferences' }), 1);
  } finally {
    core.close();
    if (!process.env.KEEP_DIR) rmSync(dir, { recursive: true, force: true });
  }
}

void main();
