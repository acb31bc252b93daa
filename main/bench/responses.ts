/**
 * `npm run bench:responses`: the verdict loop measured through the real HTTP API of `studio serve`
 * on 127.0.0.1, with the server in its own process over a temp data dir.
 *   1. setup: N items imported over HTTP (beginUpload/uploadFile/startImport), then M model
 *      responses per item written by the server process through the core's store (insertResponse,
 *      the function the response import uses), in one transaction;
 *   2. judging: V submitVerdict calls, each followed by getResponseQueue, the pair timed as the
 *      annotator feels it from pressing Enter to seeing the next response (target: p95 under 10 ms).
 * It prints figures only; it asserts nothing.
 * `node out/main/bench-responses.js --items N --models M --verdicts V` for other sizes
 * (default 50,000 items x 2 models = 100,000 responses, 1,000 verdicts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { HTTP } from '../../preload/contract/channels.js';
import type { ResponseLabelValues } from '../../preload/contract/responses.js';
import { nowIso } from '../core/context.js';
import { createLogger } from '../core/logger.js';
import { insertResponse } from '../core/responses/store.js';
import { openStudio } from '../core/studio.js';
import { startServer } from '../server/server.js';
import { mib, ms, summarise } from './stats.js';

type ChildMessage = { type: 'ready'; origin: string; token: string; pid: number } | { type: 'seeded'; responses: number; ms: number } | { type: 'memory'; rss: number; heapUsed: number };
type ParentMessage = { type: 'seed'; projectId: number; models: number } | { type: 'memory' } | { type: 'stop' };

// ---------------------------------------------------------------- server process

async function runServerChild(dataDir: string): Promise<void> {
  const log = createLogger({ level: 'warn' });
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log });
  const server = await startServer({ core, rendererDir: null, log });
  const send = (message: ChildMessage) => process.send?.(message);
  const seed = (projectId: number, models: number) => {
    const db = core.context.db.write;
    const started = performance.now();
    const createdAt = nowIso(core.context);
    const count = db.transaction(() => {
      let n = 0;
      for (const { id } of db.prepare<{ id: number }>('SELECT id FROM item WHERE project_id = ? ORDER BY id').all(projectId)) {
        for (let m = 0; m < models; m++) {
          insertResponse(db, {
            projectId,
            itemId: id,
            modelId: null,
            modelName: `bench-model-${m}`,
            sampleIndex: 0,
            text: `Response of bench-model-${m} to item ${id}: a few sentences that answer the prompt plainly, name the risk where there is one, and stop.`,
            params: { temperature: 0.7 },
            origin: 'imported',
            importId: null,
            createdAt,
          });
          n++;
        }
      }
      return n;
    });
    send({ type: 'seeded', responses: count, ms: performance.now() - started });
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'seed') seed(message.projectId, message.models);
    else if (message.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed });
    } else if (message.type === 'stop') {
      void server.close().then(() => {
        core.close();
        process.disconnect?.();
      });
    }
  });
  send({ type: 'ready', origin: server.origin, token: server.token, pid: process.pid });
}

// ---------------------------------------------------------------- benchmark process

interface Client {
  call<K extends MethodName>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
}

function client(origin: string, token: string): Client {
  return {
    async call(name, input) {
      const response = await fetch(`${origin}${HTTP.api(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: token },
        body: JSON.stringify(input),
      });
      const body: unknown = await response.json();
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
      return studioMethods[name].output.parse(body) as MethodOutput<typeof name>;
    },
  };
}

function itemsJsonl(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({ id: `resp-bench-${i}`, text: `Prompt ${i}: explain topic number ${(i * 7919) % 100_003} in plain words.`, expected: 'comply' }));
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

function request<T extends ChildMessage['type']>(child: ChildProcess, message: ParentMessage, reply: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (m: ChildMessage) => {
      if (m.type !== reply) return;
      child.off('message', onMessage);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

function startChild(dataDir: string): Promise<{ child: ChildProcess; ready: Extract<ChildMessage, { type: 'ready' }> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--server-child', dataDir], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve({ child, ready: message });
    });
    child.once('exit', (code) => reject(new Error(`the benchmark server exited with code ${code}`)));
  });
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

async function importItems(api: Client, projectId: number, count: number): Promise<void> {
  const { uploadId } = await api.call('beginUpload', {});
  await api.call('uploadFile', { uploadId, path: 'items.jsonl', dataBase64: itemsJsonl(count).toString('base64') });
  let job = await api.call('startImport', { projectId, uploadId, entry: 'items.jsonl' });
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 20));
    job = await api.call('getImportJob', { jobId: job.jobId });
  }
  if (job.status !== 'succeeded' || job.report?.imported !== count) throw new Error(`the item import failed: ${JSON.stringify(job.report?.errors.slice(0, 3))}`);
}

const VALUES: ResponseLabelValues[] = [
  { verdict: 'answered', helpfulness: 4, idealResponse: null, rationale: null },
  { verdict: 'care', helpfulness: 5, idealResponse: null, rationale: 'Names the risk and still helps.' },
  { verdict: 'unnecessary_refusal', helpfulness: 1, idealResponse: 'A short, direct answer to the benign question.', rationale: null },
];

async function bench(): Promise<void> {
  const itemCount = argValue('--items', 50_000);
  const models = argValue('--models', 2);
  const verdictCount = argValue('--verdicts', 1_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-responses-'));
  const { child, ready } = await startChild(dataDir);
  const api = client(ready.origin, ready.token);
  const line = (text: string) => process.stdout.write(`${text}\n`);
  try {
    line(`COSMO Studio verdict benchmark: server pid ${ready.pid} at ${ready.origin}, data in ${dataDir}`);
    line(`node ${process.version}, ${process.platform}-${process.arch}`);
    const annotator = await api.call('createUser', { name: 'bench judge', role: 'annotator' });
    const project = await api.call('createProject', { name: 'verdict bench' });
    const t0 = performance.now();
    await importItems(api, project.id, itemCount);
    const t1 = performance.now();
    const seeded = await request(child, { type: 'seed', projectId: project.id, models }, 'seeded');
    line('');
    line(
      `setup: ${itemCount.toLocaleString('en')} items imported over HTTP in ${ms(t1 - t0)}; ` +
        `${seeded.responses.toLocaleString('en')} responses written through insertResponse in ${ms(seeded.ms)} ` +
        `(${Math.round(seeded.responses / (seeded.ms / 1000)).toLocaleString('en')} responses/s with the counter triggers)`,
    );
    const before = await request(child, { type: 'memory' }, 'memory');
    line(`server memory: rss ${mib(before.rss)}, heap used ${mib(before.heapUsed)}`);

    let queue = await api.call('getResponseQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
    const pair: number[] = [];
    const submitTimes: number[] = [];
    const queueTimes: number[] = [];
    for (let i = 0; i < verdictCount; i++) {
      const current = queue.entries[0];
      if (!current) throw new Error(`the queue ran dry after ${i} verdicts`);
      const a = performance.now();
      await api.call('submitVerdict', { responseId: current.response.id, annotatorId: annotator.id, values: VALUES[i % VALUES.length]!, timeSpentMs: 1000 });
      const b = performance.now();
      queue = await api.call('getResponseQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
      const c = performance.now();
      submitTimes.push(b - a);
      queueTimes.push(c - b);
      pair.push(c - a);
    }
    const show = (name: string, samples: number[]) => {
      const s = summarise(samples);
      line(`  ${name.padEnd(40)} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  mean ${ms(s.mean)}  max ${ms(s.max)}`);
    };
    line('');
    line(`judging: ${verdictCount.toLocaleString('en')} verdicts in a ${seeded.responses.toLocaleString('en')}-response project, over HTTP (target p95 < 10 ms for the pair):`);
    show('submitVerdict + getResponseQueue (pair)', pair);
    show('submitVerdict', submitTimes);
    show('getResponseQueue (count 3)', queueTimes);
    line(`  progress after: done ${queue.progress.done}, remaining ${queue.progress.remaining}, total ${queue.progress.total}`);
    const after = await request(child, { type: 'memory' }, 'memory');
    line(`server memory after: rss ${mib(after.rss)}, heap used ${mib(after.heapUsed)}`);
  } finally {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server-child') {
  await runServerChild(process.argv[3]!);
} else {
  await bench();
}
