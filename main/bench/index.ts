/**
 * `npm run bench`: the studio's hot paths measured through the real HTTP API of `studio serve`
 * on 127.0.0.1, with the server in its own process over a temp data dir.
 *   1. import: a generated 100,000-item JSONL sent with beginUpload/uploadFile, imported with
 *      startImport, polled with getImportJob (target: at least 20,000 items/s);
 *   2. labelling: 1,000 submitLabel calls, each followed by getQueue, the pair timed as the
 *      annotator feels it from pressing submit to seeing the next item (target: p95 under 10 ms);
 *   3. responses: one response per item (every tenth with a verdict) imported with
 *      startResponseImport (target: at least 20,000 responses/s), see responses-import.ts;
 *   4. the server's memory (RSS, heap) before and after.
 * It prints figures only; it asserts nothing. `node out/main/bench.js --items N --labels M --responses R`
 * for other sizes (R at most N).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api.js';
import { HTTP } from '../../preload/contract/channels.js';
import { benchResponseImport } from './responses-import.js';
import { runServerChild, type ChildMessage, type ParentMessage } from './server-child.js';
import { mib, ms, summarise } from './stats.js';

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

const TOPICS = ['chemistry', 'history', 'cooking', 'security', 'medicine', 'finance', 'law', 'travel', 'gardening', 'programming'];
const VERBS = ['explain', 'summarise', 'compare', 'list the risks of', 'describe', 'give an example of'];

/** A JSONL of `count` distinct items shaped like the public samples (id, text, category, expected, source). */
export function generateJsonl(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[i % TOPICS.length]!;
    const verb = VERBS[(i >> 3) % VERBS.length]!;
    lines.push(
      JSON.stringify({
        id: `bench-${i}`,
        text: `Prompt ${i}: please ${verb} ${topic} topic number ${(i * 7919) % 100_003} in plain words for a newcomer.`,
        category: i % 2 === 0 ? 'privacy' : 'specialized_advice',
        expected: i % 3 === 0 ? 'refuse' : 'comply',
        source: 'bench',
      }),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
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

function memory(child: ChildProcess): Promise<Extract<ChildMessage, { type: 'memory' }>> {
  return new Promise((resolve) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== 'memory') return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.send({ type: 'memory' } satisfies ParentMessage);
  });
}

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

async function bench(): Promise<void> {
  const itemCount = argValue('--items', 100_000);
  const labelCount = argValue('--labels', 1_000);
  const responseCount = Math.min(itemCount, argValue('--responses', 100_000));
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-'));
  const { child, ready } = await startChild(dataDir);
  const api = client(ready.origin, ready.token);
  const line = (text: string) => process.stdout.write(`${text}\n`);
  try {
    line(`COSMO Studio benchmark: server pid ${ready.pid} at ${ready.origin}, data in ${dataDir}`);
    line(`node ${process.version}, ${process.platform}-${process.arch}`);
    const before = await memory(child);
    line(`server memory before: rss ${mib(before.rss)}, heap used ${mib(before.heapUsed)} of ${mib(before.heapTotal)}`);

    const annotator = await api.call('createUser', { name: 'bench annotator', role: 'annotator' });
    const project = await api.call('createProject', { name: 'bench' });

    const jsonl = generateJsonl(itemCount);
    const t0 = performance.now();
    const { uploadId } = await api.call('beginUpload', {});
    await api.call('uploadFile', { uploadId, path: 'bench.jsonl', dataBase64: jsonl.toString('base64') });
    const t1 = performance.now();
    let job = await api.call('startImport', { projectId: project.id, uploadId, entry: 'bench.jsonl' });
    while (job.status === 'queued' || job.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = await api.call('getImportJob', { jobId: job.jobId });
    }
    const t2 = performance.now();
    const report = job.report;
    if (job.status !== 'succeeded' || !report) throw new Error(`the import failed: ${JSON.stringify(report?.errors.slice(0, 3))}`);
    const importSeconds = (t2 - t1) / 1000;
    line('');
    line(`import of ${itemCount.toLocaleString('en')} items (${mib(jsonl.length)} JSONL):`);
    line(`  upload (beginUpload + uploadFile, base64 JSON): ${ms(t1 - t0)}`);
    line(`  startImport -> job succeeded: ${ms(t2 - t1)}; the importer's own time: ${ms(report.durationMs)}`);
    line(`  imported ${report.imported}, duplicates ${report.duplicates.length}, skipped ${report.skipped.length}`);
    line(
      `  throughput: ${Math.round(report.imported / importSeconds).toLocaleString('en')} items/s (startImport to done), ` +
        `${Math.round(report.imported / ((t2 - t0) / 1000)).toLocaleString('en')} items/s including the upload (target >= 20,000)`,
    );
    const afterImport = await memory(child);
    line(`  server memory after import: rss ${mib(afterImport.rss)}, heap used ${mib(afterImport.heapUsed)} of ${mib(afterImport.heapTotal)}`);

    const labels = {
      harmful: false,
      riskCategory: null,
      severity: null,
      expected: 'comply' as const,
      jailbreakType: null,
      crossModalRisk: null,
      visualCues: [],
      referenceAnswer: 'A short, safe answer.',
      rationale: null,
    };
    let queue = await api.call('getQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
    const pair: number[] = [];
    const submitTimes: number[] = [];
    const queueTimes: number[] = [];
    for (let i = 0; i < labelCount; i++) {
      const current = queue.items[0];
      if (!current) throw new Error(`the queue ran dry after ${i} labels`);
      const a = performance.now();
      await api.call('submitLabel', { itemId: current.item.id, annotatorId: annotator.id, labels, timeSpentMs: 1000 });
      const b = performance.now();
      queue = await api.call('getQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
      const c = performance.now();
      submitTimes.push(b - a);
      queueTimes.push(c - b);
      pair.push(c - a);
    }
    const show = (name: string, samples: number[]) => {
      const s = summarise(samples);
      line(`  ${name.padEnd(30)} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}  mean ${ms(s.mean)}  max ${ms(s.max)}`);
    };
    line('');
    line(`labelling: ${labelCount.toLocaleString('en')} submissions in a ${report.imported.toLocaleString('en')}-item project, over HTTP (target p95 < 10 ms for the pair):`);
    show('submitLabel + getQueue (pair)', pair);
    show('submitLabel', submitTimes);
    show('getQueue (count 3)', queueTimes);
    line(`  progress after: done ${queue.progress.done}, remaining ${queue.progress.remaining}`);

    await benchResponseImport(api, project.id, responseCount, line);

    const after = await memory(child);
    line('');
    line(`server memory after: rss ${mib(after.rss)}, heap used ${mib(after.heapUsed)} of ${mib(after.heapTotal)}, external ${mib(after.external)}`);
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
