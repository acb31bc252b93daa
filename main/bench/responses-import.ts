/**
 * The responses part of `npm run bench`: a generated JSONL of one response per item (every tenth
 * with a verdict) sent with beginUpload/uploadFile, imported with startResponseImport and polled
 * with getImportJob, whose round trips during the import show whether the server kept answering
 * (target: at least 20,000 responses/s for 100,000 lines). Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks';
import type { MethodInput, MethodName, MethodOutput } from '../../preload/contract/api.js';
import { mib, ms, summarise } from './stats.js';

interface Client {
  call<K extends MethodName>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
}

const VERDICTS = ['refusal', 'care', 'answered', 'unnecessary_refusal'] as const;

/** `count` response lines for the items bench-0 .. bench-(count-1) the item benchmark imported. */
export function generateResponsesJsonl(count: number): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const line: Record<string, unknown> = {
      item_id: `bench-${i}`,
      model: 'bench-base',
      response: `Response ${i}: here is a short, careful answer in plain words, with one caveat about topic ${(i * 7919) % 100_003}.`,
      sample_index: 0,
      params: { temperature: 0.7, max_new_tokens: 256 },
    };
    if (i % 10 === 0) line.verdicts = [{ annotator: 'bench annotator', verdict: VERDICTS[(i / 10) % VERDICTS.length], helpfulness: 1 + (i % 5), time_spent_ms: 1500 }];
    lines.push(JSON.stringify(line));
  }
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

export async function benchResponseImport(api: Client, projectId: number, count: number, line: (text: string) => void): Promise<void> {
  const jsonl = generateResponsesJsonl(count);
  const t0 = performance.now();
  const { uploadId } = await api.call('beginUpload', {});
  await api.call('uploadFile', { uploadId, path: 'responses.jsonl', dataBase64: jsonl.toString('base64') });
  const t1 = performance.now();
  let job = await api.call('startResponseImport', { projectId, uploadId, entry: 'responses.jsonl' });
  const polls: number[] = [];
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const a = performance.now();
    job = await api.call('getImportJob', { jobId: job.jobId });
    polls.push(performance.now() - a);
  }
  const t2 = performance.now();
  const report = job.report;
  if (job.status !== 'succeeded' || !report) throw new Error(`the responses import failed: ${JSON.stringify(report?.errors.slice(0, 3))}`);
  const seconds = (t2 - t1) / 1000;
  const p = summarise(polls);
  line('');
  line(`import of ${count.toLocaleString('en')} responses (${mib(jsonl.length)} JSONL, a verdict on every tenth):`);
  line(`  upload (beginUpload + uploadFile, base64 JSON): ${ms(t1 - t0)}`);
  line(`  startResponseImport -> job succeeded: ${ms(t2 - t1)}; the importer's own time: ${ms(report.durationMs)}`);
  line(`  imported ${report.imported} responses, ${report.verdictsImported ?? 0} verdicts; duplicates ${report.duplicates.length}, skipped ${report.skipped.length}`);
  line(
    `  throughput: ${Math.round(report.imported / seconds).toLocaleString('en')} responses/s (startResponseImport to done), ` +
      `${Math.round(report.imported / ((t2 - t0) / 1000)).toLocaleString('en')} responses/s including the upload (target >= 20,000)`,
  );
  line(`  getImportJob while importing (${p.n} polls): p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  max ${ms(p.max)}`);
}
