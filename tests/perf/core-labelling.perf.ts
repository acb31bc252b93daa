/**
 * Core-level latency of the labelling loop on a 100,000-item project: getQueue and submitLabel
 * (input and output parsed with the contract's zod schemas, as a host does), in import order and
 * shuffled, plus browse
 * filters and search. Prints figures; asserts nothing. The API-level benchmark is `npm run bench`.
 *
 *   npx esbuild tests/perf/core-labelling.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/core-labelling.mjs && node out/perf/core-labelling.mjs [items]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { emptyLabels, type LabelValues } from '../../preload/contract/domain.js';
import { openStudio, type StudioCore } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';

const ITEMS = Number(process.argv[2] ?? 100_000);
const WORDS = 'how can i make a safe plan for the weekend explain why people kill process python gun address neighbour recipe chemistry history image steps list describe'.split(' ');

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

function report(name: string, samples: number[]): void {
  const f = (x: number) => x.toFixed(2).padStart(7);
  console.log(
    `${name.padEnd(44)} n=${String(samples.length).padStart(5)}  p50 ${f(pct(samples, 50))} ms  p95 ${f(pct(samples, 95))} ms  p99 ${f(pct(samples, 99))} ms  max ${f(Math.max(...samples))} ms`,
  );
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  samples.push(performance.now() - t0);
  return r;
}

function seed(core: StudioCore, projectId: number, n: number): void {
  const db = core.context.db.write;
  const now = new Date().toISOString();
  let rng = 42;
  const rand = (k: number) => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % k;
  };
  const t0 = performance.now();
  db.transaction(() => {
    const insert = db.prepare(
      `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
       VALUES (?, ?, ?, 'bench', ?, ?, '[]', '{}', '{}', 0, ?, ?)`,
    );
    for (let i = 0; i < n; i++) {
      const words = Array.from({ length: 15 + rand(40) }, () => WORDS[rand(WORDS.length)]);
      const text = `${words.join(' ')} #${i}`;
      insert.run(projectId, `bench-${i}`, text, ['train', 'eval', 'heldout'][rand(3)]!, ['safety', 'jailbreak', 'value'][rand(3)]!, createHash('sha256').update(`${text}\0`).digest('hex'), now);
    }
  });
  console.log(`seeded ${n} items in ${((performance.now() - t0) / 1000).toFixed(1)} s (per-row triggers: counters + trigram index)`);
}

const labels = (i: number): LabelValues =>
  i % 3 === 0
    ? { ...emptyLabels(), harmful: true, riskCategory: 'privacy', severity: 2, expected: 'refuse', jailbreakType: 'none', crossModalRisk: 'text' }
    : { ...emptyLabels(), harmful: false, expected: 'comply' };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-perf-'));
  const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
  try {
    const project = await call(core, 'createProject', { name: 'Perf', annotatorsPerItem: 1 });
    const ada = await call(core, 'createUser', { name: 'Ada', role: 'annotator' });
    const bob = await call(core, 'createUser', { name: 'Bob', role: 'annotator' });
    seed(core, project.id, ITEMS);
    console.log(`studio.db ${(statSync(core.paths.db).size / 1e6).toFixed(1)} MB + WAL ${(statSync(`${core.paths.db}-wal`).size / 1e6).toFixed(1)} MB`);

    // 1. The labelling loop, annotatorsPerItem = 1: queue (current + 2 prefetched), submit.
    const q: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const queue = await timed(q, () => call(core, 'getQueue', { projectId: project.id, annotatorId: ada.id, count: 3 }));
      const item = queue.items[0]!.item.id;
      await timed(s, () => call(core, 'submitLabel', { itemId: item, annotatorId: ada.id, labels: labels(i), timeSpentMs: 1000 }));
    }
    report('getQueue (count 3), 1 annotator/item', q);
    report('submitLabel (synchronous=FULL), 1 annotator/item', s);

    const u: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < 200; i++) {
      await timed(u, () => call(core, 'undoLastSubmit', { projectId: project.id, annotatorId: ada.id }));
      const queue = await call(core, 'getQueue', { projectId: project.id, annotatorId: ada.id, count: 3 });
      await timed(k, () => call(core, 'skipItem', { itemId: queue.items[0]!.item.id, annotatorId: ada.id }));
    }
    report('undoLastSubmit', u);
    report('skipItem', k);
    // Ada now has 200 skipped items before her next fresh item: the queue scan walks past them.
    const qs: number[] = [];
    for (let i = 0; i < 200; i++) await timed(qs, () => call(core, 'getQueue', { projectId: project.id, annotatorId: ada.id, count: 3 }));
    report('getQueue after 200 skips', qs);

    // The shuffled queue (a third annotator): every open item is ranked on each call.
    const cy = await call(core, 'createUser', { name: 'Cy', role: 'annotator' });
    const qr: number[] = [];
    const sr: number[] = [];
    for (let i = 0; i < 300; i++) {
      const queue = await timed(qr, () => call(core, 'getQueue', { projectId: project.id, annotatorId: cy.id, count: 3, shuffle: true }));
      await timed(sr, () => call(core, 'submitLabel', { itemId: queue.items[0]!.item.id, annotatorId: cy.id, labels: labels(i), timeSpentMs: 1000 }));
    }
    report('getQueue (count 3, shuffle), 1 annotator/item', qr);
    report('submitLabel after a shuffled getQueue', sr);

    // 2. annotatorsPerItem = 2 (re-decides completeness of all items in one UPDATE).
    const t0 = performance.now();
    await call(core, 'updateProject', { projectId: project.id, patch: { annotatorsPerItem: 2 } });
    console.log(`updateProject annotatorsPerItem 1 -> 2 over ${ITEMS} items: ${(performance.now() - t0).toFixed(0)} ms`);
    const qb: number[] = [];
    const sb: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const queue = await timed(qb, () => call(core, 'getQueue', { projectId: project.id, annotatorId: bob.id, count: 3 }));
      await timed(sb, () => call(core, 'submitLabel', { itemId: queue.items[0]!.item.id, annotatorId: bob.id, labels: labels(i), timeSpentMs: 1000 }));
    }
    report('getQueue, 2 annotators/item (second labeller)', qb);
    report('submitLabel, 2 annotators/item', sb);
    // Ada's queue now starts after ~1,800 items she labelled that still wait for a second label.
    const qa: number[] = [];
    for (let i = 0; i < 200; i++) await timed(qa, () => call(core, 'getQueue', { projectId: project.id, annotatorId: ada.id, count: 3 }));
    report('getQueue, A ahead by ~1,800 open items', qa);

    // 3. Browse at this size.
    const cases: [string, MethodInput<'listItems'>['filter']][] = [
      ['all', { status: 'all' }],
      ['unlabelled', { status: 'unlabelled' }],
      ['partial', { status: 'partial' }],
      ['labelled', { status: 'labelled' }],
      ['riskCategory=privacy', { status: 'all', riskCategory: 'privacy' }],
      ['annotator=Bob', { status: 'all', annotatorId: bob.id }],
      ['split=eval task=jailbreak', { status: 'all', split: 'eval', task: 'jailbreak' }],
      ['search "#4242" (rare, trigram)', { status: 'all', search: '#4242' }],
      ['search "neighbour" (common, trigram)', { status: 'all', search: 'neighbour' }],
      ['search "gu" (2 chars, LIKE scan)', { status: 'all', search: 'gu' }],
    ];
    for (const [name, filter] of cases) {
      const b: number[] = [];
      let total = 0;
      for (let i = 0; i < 30; i++) total = (await timed(b, () => call(core, 'listItems', { projectId: project.id, filter, limit: 50 }))).total;
      report(`listItems ${name} (total ${total})`, b);
    }
    const like: number[] = [];
    const db = core.context.db.read;
    for (let i = 0; i < 30; i++) {
      const t1 = performance.now();
      db.prepare('SELECT count(*) FROM item WHERE project_id = ? AND (text LIKE ? OR external_id LIKE ?)').get(project.id, '%#4242%', '%#4242%');
      like.push(performance.now() - t1);
    }
    report('for comparison: LIKE scan count "#4242"', like);
    const pages = (sql: string) => db.prepare<{ n: number }>(sql).get()?.n ?? 0;
    const pageSize = pages('SELECT page_size AS n FROM pragma_page_size()');
    const ftsPages = pages("SELECT count(*) AS n FROM dbstat WHERE name LIKE 'item_fts%'");
    console.log(`trigram index: ${((ftsPages * pageSize) / 1e6).toFixed(1)} MB of ${((pages('SELECT page_count AS n FROM pragma_page_count()') * pageSize) / 1e6).toFixed(1)} MB`);
  } finally {
    core.close();
    if (process.env.KEEP_PERF_DB) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
