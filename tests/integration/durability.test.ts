/**
 * kill -9 durability: a bounded loop of start / submit / kill -9 / restart of the real `studio
 * serve` process (the CLI bundled from the current sources), through the HTTP API. Every label,
 * verdict and vote the server acknowledged (a 200 with its row) must be in studio.db after the
 * crashes; writes still in flight at the kill may go either way, but an acknowledged one never.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyLabels } from '../../preload/contract/domain';
import { openTempCore, seedCount } from '../helpers/core';
import { seedResponses } from '../helpers/responses';
import { callApi, REPO_ROOT } from '../helpers/server';

const CYCLES = 5;
const ACKED_PER_CYCLE = 12;
const URL_LINE = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/;

let dir: string;
let cli: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-durability-'));
  // Inside the repository, so its node_modules resolve; the same entry `npm run build` bundles.
  cli = join(REPO_ROOT, 'out', 'durability-test', `cli-${process.pid}.mjs`);
  await build({ entryPoints: [join(REPO_ROOT, 'main/cli/index.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'silent' });
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cli, { force: true });
});

function serve(dataDir: string): Promise<{ child: ChildProcess; origin: string; token: string }> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--backup-every', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, STUDIO_LOG_LEVEL: 'error' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`studio serve printed no URL:\n${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = URL_LINE.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, origin: `http://127.0.0.1:${m[1]}`, token: m[2]! });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('kill -9 loses nothing acknowledged', () => {
  it(`${CYCLES} cycles of submit / kill -9 / restart keep every acknowledged label, verdict and vote`, async () => {
    const dataDir = join(dir, 'data');
    const seed = await openTempCore({ dataDir });
    const project = await seed.call('createProject', { name: 'durability' });
    const annotator = await seed.call('createUser', { name: 'Ada', role: 'annotator' });
    const seededIds = seedCount(seed.core, project.id, CYCLES * ACKED_PER_CYCLE);
    const responseIds = seedResponses(seed.core.context.db.write, project.id, seededIds, ['base', 'ckpt']);
    seed.close();

    const acked = { labels: [] as number[], verdicts: [] as number[], votes: [] as number[] };
    let next = 0;
    for (let cycle = 0; cycle < CYCLES; cycle += 1) {
      const { child, origin, token } = await serve(dataDir);
      const write = async (i: number, settled: boolean): Promise<void> => {
        const itemId = seededIds[i]!;
        const [left, right] = [responseIds[2 * i]!, responseIds[2 * i + 1]!];
        const label = callApi(origin, token, 'submitLabel', {
          itemId,
          annotatorId: annotator.id,
          labels: { ...emptyLabels(), harmful: false, expected: 'comply' as const, rationale: `label ${i}` },
          timeSpentMs: 100,
        });
        const verdict = callApi(origin, token, 'submitVerdict', {
          responseId: left,
          annotatorId: annotator.id,
          values: { verdict: 'refusal', helpfulness: 3, idealResponse: null, rationale: null },
          timeSpentMs: 100,
        });
        const vote = callApi(origin, token, 'submitPreference', { leftResponseId: left, rightResponseId: right, annotatorId: annotator.id, choice: 'left', timeSpentMs: 100 });
        const [l, v, p] = await Promise.allSettled([label, verdict, vote]);
        if (l.status === 'fulfilled') acked.labels.push(l.value.annotation.id);
        if (v.status === 'fulfilled') acked.verdicts.push(v.value.label.id);
        if (p.status === 'fulfilled') acked.votes.push(p.value.preference.id);
        // Before the kill every write must succeed; those in flight at the kill may fail.
        const failed = [l, v, p].find((r) => r.status === 'rejected');
        if (settled && failed) throw failed.reason;
      };
      // Some writes acknowledged, then more in flight when the process is killed.
      const start = next;
      while (next < start + ACKED_PER_CYCLE - 2) await write(next++, true);
      const inFlight = [write(next++, false), write(next++, false)];
      await new Promise((r) => setTimeout(r, 5 + cycle * 3));
      await killed(child);
      await Promise.all(inFlight);
    }
    expect(acked.labels.length).toBeGreaterThanOrEqual(CYCLES * (ACKED_PER_CYCLE - 2));

    const after = await openTempCore({ dataDir });
    try {
      const r = after.core.context.db.read;
      const present = (table: string, ids: number[]) => ids.filter((id) => r.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) === undefined);
      expect({ labels: present('annotation', acked.labels), verdicts: present('response_label', acked.verdicts), votes: present('preference', acked.votes) }).toEqual({
        labels: [],
        verdicts: [],
        votes: [],
      });
      console.log(`durability: ${CYCLES} kill -9 cycles; acknowledged ${acked.labels.length} labels, ${acked.verdicts.length} verdicts, ${acked.votes.length} votes; 0 lost`);
    } finally {
      after.close();
    }
  });
});
