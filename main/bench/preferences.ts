/**
 * `npm run bench:preferences`: the pairwise view's "vote to next pair" latency through the real
 * HTTP API of `studio serve`, on a project with about 100,000 responses (3 models x 33,334 items
 * by default), the server in its own process over a temp data dir. Each round is what the
 * annotator waits for after pressing a key: submitPreference (durable) then getPairQueue (the
 * next three pairs). Target: p95 under 10 ms. Before timing, other annotators' votes can be
 * seeded (--prior-votes) to show how the per-call vote tally scales.
 *
 *   node out/main/bench-preferences.js [--items 33334] [--models 3] [--votes 1000] [--prior-votes 10000]
 *
 * It prints figures only; it asserts nothing.
 */
import { createHash } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { HTTP } from '../../preload/contract/channels.js';
import type { SideChoice } from '../../preload/contract/preferences.js';
import { createLogger } from '../core/logger.js';
import { appendPreference, insertResponse } from '../core/responses/store.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { startServer } from '../server/server.js';
import { ms, summarise } from './stats.js';

interface Sizes {
  items: number;
  models: number;
  votes: number;
  priorVotes: number;
}

type Ready = { type: 'ready'; origin: string; token: string; projectId: number; annotatorId: number; responses: number; seedMs: number };

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

/** Items, responses and prior votes written straight through the store (the bench times the queue, not the import). */
async function seed(core: StudioCore, sizes: Sizes): Promise<Omit<Ready, 'type' | 'origin' | 'token'>> {
  const h = core.handlers;
  const project = await h.createProject({ name: 'pairs bench', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
  const annotator = await h.createUser({ name: 'bench voter', role: 'annotator' });
  const others: { id: number }[] = [];
  for (let i = 0; i < 5; i++) others.push(await h.createUser({ name: `earlier voter ${i + 1}`, role: 'annotator' }));
  const db = core.context.db.write;
  const now = new Date().toISOString();
  const models = Array.from({ length: sizes.models }, (_, m) => `model-${String.fromCharCode(97 + m)}-${m + 1}b`);
  const t0 = performance.now();
  const byItem: { itemId: number; ids: number[] }[] = [];
  const insertItem = db.prepare<{ id: number }>(
    `INSERT INTO item (project_id, external_id, text, source, split, task, tags, source_labels, extra, sensitive, content_hash, created_at)
     VALUES (?, ?, ?, 'bench', 'eval', 'safety', '[]', '{}', '{}', 0, ?, ?) RETURNING id`,
  );
  for (let start = 0; start < sizes.items; start += 5_000) {
    db.transaction(() => {
      for (let i = start; i < Math.min(sizes.items, start + 5_000); i++) {
        const text = `Prompt ${i}: how would you answer question number ${(i * 7919) % 100_003}?`;
        const itemId = insertItem.get(project.id, `bench-${i}`, text, createHash('sha256').update(`${text}\0`).digest('hex'), now)!.id;
        byItem.push({
          itemId,
          ids: models.map((model) =>
            insertResponse(db, {
              projectId: project.id,
              itemId,
              modelId: null,
              modelName: model,
              sampleIndex: 0,
              text: `${model} answers prompt ${i} with a few sentences of plain text.`,
              params: { temperature: 0.7 },
              origin: 'imported',
              importId: null,
              createdAt: now,
            }),
          ),
        });
      }
    });
  }
  // Earlier votes by other people, spread over the first items of every model pair.
  db.transaction(() => {
    let written = 0;
    for (let i = 0; written < sizes.priorVotes && i < byItem.length; i++) {
      const { itemId, ids } = byItem[i]!;
      for (let x = 0; x < ids.length && written < sizes.priorVotes; x++) {
        for (let y = x + 1; y < ids.length && written < sizes.priorVotes; y++) {
          const voter = others[written % others.length]!;
          appendPreference(db, {
            projectId: project.id,
            itemId,
            responseAId: ids[x]!,
            responseBId: ids[y]!,
            annotatorId: voter.id,
            status: 'submitted',
            origin: 'import',
            values: { choice: written % 3 === 0 ? 'a' : 'b', criteria: {} },
            blind: true,
            leftResponseId: ids[x]!,
            timeSpentMs: 1000,
            createdAt: now,
          });
          written += 1;
        }
      }
    }
  });
  return { projectId: project.id, annotatorId: annotator.id, responses: byItem.length * models.length, seedMs: performance.now() - t0 };
}

async function runChild(dataDir: string, sizes: Sizes): Promise<void> {
  const log = createLogger({ level: 'warn' });
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log });
  const seeded = await seed(core, sizes);
  const server = await startServer({ core, rendererDir: null, log });
  process.on('message', (message: { type: 'stop' }) => {
    if (message.type !== 'stop') return;
    void server.close().then(() => {
      core.close();
      process.disconnect?.();
    });
  });
  process.send?.({ type: 'ready', origin: server.origin, token: server.token, ...seeded } satisfies Ready);
}

function client(origin: string, token: string) {
  return async <K extends MethodName>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>> => {
    const response = await fetch(`${origin}${HTTP.api(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: token },
      body: JSON.stringify(input),
    });
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
    return studioMethods[name].output.parse(body) as MethodOutput<K>;
  };
}

async function bench(sizes: Sizes): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-pairs-'));
  const args = ['--child', dataDir, '--items', String(sizes.items), '--models', String(sizes.models), '--votes', String(sizes.votes), '--prior-votes', String(sizes.priorVotes)];
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const line = (text: string) => process.stdout.write(`${text}\n`);
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (message: Ready) => resolve(message));
      child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code}`)));
    });
    const call = client(ready.origin, ready.token);
    const { projectId, annotatorId } = ready;
    line(
      `COSMO Studio pairwise benchmark: ${ready.responses.toLocaleString('en')} responses (${sizes.models} models x ${sizes.items.toLocaleString('en')} items), ` +
        `${sizes.priorVotes.toLocaleString('en')} earlier votes by 5 others; seeded in ${ms(ready.seedMs)}; node ${process.version}, ${process.platform}-${process.arch}`,
    );
    const floor: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await call('getInfo', {});
      floor.push(performance.now() - t);
    }
    const f = summarise(floor);
    line(`HTTP round trip floor (getInfo): p50 ${ms(f.p50)}  p95 ${ms(f.p95)}`);
    const c0 = performance.now();
    let queue = await call('getPairQueue', { projectId, annotatorId, count: 3 });
    line(`first getPairQueue (builds the model-pair catalogue): ${ms(performance.now() - c0)}`);
    const rounds: number[] = [];
    const submits: number[] = [];
    const queues: number[] = [];
    const choices: SideChoice[] = ['left', 'right', 'tie', 'left', 'right', 'both_bad'];
    for (let i = 0; i < sizes.votes; i++) {
      const pair = queue.pairs[0];
      if (!pair) throw new Error(`the pair queue ran dry after ${i} votes`);
      const a = performance.now();
      await call('submitPreference', {
        leftResponseId: pair.left.responseId,
        rightResponseId: pair.right.responseId,
        annotatorId,
        choice: choices[i % choices.length]!,
        criteria: {},
        timeSpentMs: 900,
      });
      const b = performance.now();
      queue = await call('getPairQueue', { projectId, annotatorId, count: 3 });
      const c = performance.now();
      submits.push(b - a);
      queues.push(c - b);
      rounds.push(c - a);
    }
    const show = (name: string, samples: number[]) => {
      const s = summarise(samples);
      line(`  ${name.padEnd(36)} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  mean ${ms(s.mean)}  max ${ms(s.max)}`);
    };
    line(`vote to next pair, ${sizes.votes.toLocaleString('en')} votes over HTTP (target p95 < 10 ms):`);
    show('submitPreference + getPairQueue', rounds);
    show('submitPreference', submits);
    show('getPairQueue (count 3)', queues);
    const stats = await call('getPreferenceStats', { projectId });
    line(`votes per model pair after: ${stats.modelPairs.map((mp) => `${mp.models.join(' vs ')} ${mp.votes}`).join(', ')}`);
    const me = stats.annotators.find((a) => a.annotatorId === annotatorId);
    line(`bench voter: ${me?.votes ?? 0} votes, left share ${((me?.leftShare.value ?? 0) * 100).toFixed(1)}% of ${me?.leftShare.n ?? 0} decisive`);
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const sizes: Sizes = { items: argValue('--items', 33_334), models: argValue('--models', 3), votes: argValue('--votes', 1_000), priorVotes: argValue('--prior-votes', 10_000) };
if (process.argv[2] === '--child') await runChild(process.argv[3]!, sizes);
else await bench(sizes);
