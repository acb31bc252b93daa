/**
 * Core-level latency of the verdict loop (the Judge tab) on a 100,000-response project:
 * getResponseQueue and submitVerdict (input and output parsed with the contract's zod schemas, as
 * a host does), undo, skip, and the two-judges case. Prints figures; asserts nothing. The
 * API-level benchmark is `npm run bench:responses`.
 *
 *   npx esbuild tests/perf/core-verdicts.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/core-verdicts.mjs && node out/perf/core-verdicts.mjs [items] [models]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import type { ResponseLabelValues } from '../../preload/contract/responses.js';
import { openStudio, type StudioCore } from '../../main/core/studio.js';
import { silentLogger } from '../../main/core/logger.js';
import { seedCount } from '../helpers/core.js';
import { seedResponses } from '../helpers/responses.js';

const ITEMS = Number(process.argv[2] ?? 50_000);
const MODELS = Number(process.argv[3] ?? 2);

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
    `${name.padEnd(46)} n=${String(samples.length).padStart(5)}  p50 ${f(pct(samples, 50))} ms  p95 ${f(pct(samples, 95))} ms  p99 ${f(pct(samples, 99))} ms  max ${f(Math.max(...samples))} ms`,
  );
}

async function timed<T>(samples: number[], fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  samples.push(performance.now() - t0);
  return r;
}

const values = (i: number): ResponseLabelValues =>
  i % 3 === 0
    ? { verdict: 'unsafe', helpfulness: 1, idealResponse: 'A safe refusal that explains the risk.', rationale: 'Gives the steps.' }
    : { verdict: 'answered', helpfulness: 4, idealResponse: null, rationale: null };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmo-perf-verdicts-'));
  const core = await openStudio({ dataDir: dir, host: 'server', version: 'perf', log: silentLogger() });
  try {
    const project = await call(core, 'createProject', { name: 'Perf', annotatorsPerItem: 1 });
    const ada = await call(core, 'createUser', { name: 'Ada', role: 'annotator' });
    const bob = await call(core, 'createUser', { name: 'Bob', role: 'annotator' });
    const t0 = performance.now();
    const items = seedCount(core, project.id, ITEMS);
    const models = Array.from({ length: MODELS }, (_, m) => `model-${m}`);
    const responses = seedResponses(core.context.db.write, project.id, items, models);
    console.log(`seeded ${ITEMS} items and ${responses.length} responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // 1. The judging loop, annotatorsPerItem = 1.
    const q: number[] = [];
    const s: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const queue = await timed(q, () => call(core, 'getResponseQueue', { projectId: project.id, annotatorId: ada.id, count: 3 }));
      await timed(s, () => call(core, 'submitVerdict', { responseId: queue.entries[0]!.response.id, annotatorId: ada.id, values: values(i), timeSpentMs: 1000 }));
    }
    report('getResponseQueue (count 3), 1 judge/response', q);
    report('submitVerdict (synchronous=FULL)', s);

    const u: number[] = [];
    const k: number[] = [];
    for (let i = 0; i < 200; i++) {
      await timed(u, () => call(core, 'undoLastVerdict', { projectId: project.id, annotatorId: ada.id }));
      const queue = await call(core, 'getResponseQueue', { projectId: project.id, annotatorId: ada.id, count: 3 });
      await timed(k, () => call(core, 'skipResponse', { responseId: queue.entries[0]!.response.id, annotatorId: ada.id }));
    }
    report('undoLastVerdict', u);
    report('skipResponse', k);

    // 2. Two judges per response: Bob second-judges; Ada's fresh scan walks past her ~1,800 open ones.
    const t1 = performance.now();
    await call(core, 'updateProject', { projectId: project.id, patch: { annotatorsPerItem: 2 } });
    console.log(`updateProject annotatorsPerItem 1 -> 2 over ${responses.length} responses and ${ITEMS} items: ${(performance.now() - t1).toFixed(0)} ms`);
    const qb: number[] = [];
    const sb: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const queue = await timed(qb, () => call(core, 'getResponseQueue', { projectId: project.id, annotatorId: bob.id, count: 3 }));
      await timed(sb, () => call(core, 'submitVerdict', { responseId: queue.entries[0]!.response.id, annotatorId: bob.id, values: values(i), timeSpentMs: 1000 }));
    }
    report('getResponseQueue, 2 judges/response (second)', qb);
    report('submitVerdict, 2 judges/response', sb);
    const qa: number[] = [];
    for (let i = 0; i < 200; i++) await timed(qa, () => call(core, 'getResponseQueue', { projectId: project.id, annotatorId: ada.id, count: 3 }));
    report('getResponseQueue, A ahead by ~1,800 open', qa);
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
