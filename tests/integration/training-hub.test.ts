/**
 * Hub models through the core with the REAL huggingface_hub of the worker's Python, against a
 * stand-in hub on 127.0.0.1 (tests/helpers/fake-hub.ts, reached through HF_ENDPOINT) serving a
 * tiny Qwen2-VL repository built by `python -m cosmo_rl.tiny`:
 * the size before any download, a download whose progress grows to a ready qwen2_vl model, a
 * download killed mid-file then started again (finished files are not fetched twice, the killed
 * file's leftover is cleared, a dropped connection resumes with a Range request), and an unknown
 * repository refused with a sentence naming it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../preload/contract/events.js';
import type { ModelInfo } from '../../preload/contract/training.js';
import { openTempCore, type TempCore } from '../helpers/core.js';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub.js';
import { WORKER_DIR, workerPython } from '../helpers/python.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

const python = workerPython('huggingface_hub');
const REPO = 'test-org/tiny-qwen2-vl';
/** huggingface_hub writes a download to disk in 10 MiB pieces (constants.DOWNLOAD_CHUNK_SIZE). */
const HF_CHUNK = 10 * 1024 * 1024;
/** A 12 MiB file added to the tiny repository so one transfer crosses a piece boundary: only then
 * does a partial file grow on disk, and only then can a dropped connection resume with Range. */
const BIG = 'padding.bin';
const BIG_SIZE = 12 * 1024 * 1024;
const CUT = 11 * 1024 * 1024;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The snapshot_download process the studio started (a child of this test process). */
function downloaderPid(): number {
  const out = execFileSync('pgrep', ['-P', String(process.pid), '-f', 'snapshot_download'], { encoding: 'utf8' }).trim();
  return Number(out.split('\n')[0]);
}

describe.skipIf(!python)('hub models through huggingface_hub and a stand-in hub', () => {
  let t: TempCore;
  let hub: FakeHub;
  let scratch: TempDir;
  let repoDir: string;
  let repoFiles: string[];
  let repoSize: number;
  const events: StudioEvent[] = [];
  const saved: Record<string, string | undefined> = {};
  const ENV = ['STUDIO_PYTHON', 'HF_ENDPOINT', 'HF_HOME', 'HF_TOKEN', 'HF_HUB_OFFLINE'] as const;

  const modelEvents = (id: number): ModelInfo[] => events.flatMap((e) => (e.type === 'model.changed' && e.model.id === id ? [e.model] : []));

  function waitForModel(id: number, pred: (m: ModelInfo) => boolean, timeoutMs = 30_000): Promise<ModelInfo> {
    const seen = modelEvents(id).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolveWait, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out waiting for model ${id}; last: ${JSON.stringify(modelEvents(id).at(-1))}`));
      }, timeoutMs);
      const off = t.core.events.subscribe((e) => {
        if (e.type === 'model.changed' && e.model.id === id && pred(e.model)) {
          clearTimeout(timer);
          off();
          resolveWait(e.model);
        }
      });
    });
  }

  beforeAll(async () => {
    scratch = makeTempDir('cosmo-hub-test-');
    repoDir = join(scratch.path, 'repo');
    execFileSync(python!, ['-m', 'cosmo_rl.tiny', '--out', repoDir], {
      cwd: WORKER_DIR,
      env: { ...process.env, PYTHONPATH: WORKER_DIR, HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' },
      stdio: 'ignore',
    });
    writeFileSync(join(repoDir, BIG), Buffer.alloc(BIG_SIZE, 'cosmo-studio padding '));
    repoFiles = readdirSync(repoDir).sort();
    repoSize = repoFiles.reduce((sum, f) => sum + readFileSync(join(repoDir, f)).length, 0);
    hub = await startFakeHub({ [REPO]: repoDir });
    for (const k of ENV) saved[k] = process.env[k];
    // huggingface_hub reads these at import time, in the child process the core starts.
    process.env.STUDIO_PYTHON = python!;
    process.env.HF_ENDPOINT = hub.url;
    process.env.HF_HOME = join(scratch.path, 'hf-home');
    delete process.env.HF_TOKEN;
    delete process.env.HF_HUB_OFFLINE;
    t = await openTempCore();
    t.core.events.subscribe((e) => events.push(e));
  }, 60_000);

  afterAll(async () => {
    t?.close();
    await hub?.close();
    scratch?.cleanup();
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('shows the size and file count before anything is downloaded', async () => {
    const preview = await t.call('inspectHubModel', { hubId: REPO });
    expect(preview).toMatchObject({ hubId: REPO, revision: hub.sha(REPO), files: repoFiles.length, sizeBytes: repoSize });
    expect(preview.path).toBe(join(t.dataDir, 'models', 'hub', 'test-org--tiny-qwen2-vl'));
    expect(existsSync(preview.path)).toBe(false);
    expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    expect(hub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/models/${REPO}`]);
  });

  it('a download killed mid-file, started again, skips finished files and resumes a dropped connection with Range', async () => {
    const downloadingTicks = (from: number, id: number) =>
      events.slice(from).flatMap((e) => (e.type === 'model.changed' && e.model.id === id && e.model.status === 'downloading' && e.model.download ? [e.model.download.doneBytes] : []));
    const smallFiles = repoSize - BIG_SIZE;

    // First attempt: the big file stalls after 11 MiB; the downloader is killed while it waits.
    hub.requests.length = 0;
    hub.behave.bytesPerSecond = 8 * 1024 * 1024;
    hub.behave.stall = { file: BIG, after: CUT };
    const firstFrom = events.length;
    const first = await t.call('addBaseModel', { source: 'hub', hubId: REPO });
    expect(first).toMatchObject({ source: 'hub', hubId: REPO, status: 'downloading', download: { doneBytes: 0, totalBytes: repoSize } });
    const partial = await waitForModel(first.id, (m) => (m.download?.doneBytes ?? 0) >= smallFiles + HF_CHUNK);
    expect(partial.status).toBe('downloading');
    expect(hub.sent.get(BIG)).toBe(CUT);
    const firstTicks = downloadingTicks(firstFrom, first.id).filter((b) => b > 0);
    expect(new Set(firstTicks).size, `ticks: ${firstTicks.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect(firstTicks).toEqual([...firstTicks].sort((x, y) => x - y));
    process.kill(downloaderPid(), 'SIGKILL');
    const failed = await waitForModel(first.id, (m) => m.status === 'failed');
    expect(failed.download?.error).toContain(`Downloading ${REPO} failed`);
    const firstGets = hub.requests.filter((r) => r.method === 'GET' && r.path.includes('/resolve/')).map((r) => r.path.split('/').pop());
    expect(firstGets.sort()).toEqual(repoFiles);

    // Second attempt: the big file's connection drops once after 11 MiB.
    hub.requests.length = 0;
    hub.behave.stall = null;
    hub.behave.dropOnce = { file: BIG, after: CUT };
    const secondFrom = events.length;
    const again = await t.call('addBaseModel', { source: 'hub', hubId: REPO });
    expect(again.id).toBe(first.id);
    expect(again.status).toBe('downloading');
    const ready = await waitForModel(first.id, (m) => m.status === 'ready', 45_000);
    expect(ready).toMatchObject({ modelType: 'qwen2_vl', family: 'qwen2_vl', supported: true, vision: true, download: { doneBytes: repoSize, totalBytes: repoSize, error: null } });
    for (const f of repoFiles) expect(sha256(join(ready.path, f)), f).toBe(sha256(join(repoDir, f)));

    // Progress never counts the killed attempt's leftover: it stays within the repository's size.
    const secondTicks = downloadingTicks(secondFrom, first.id);
    expect(secondTicks.length).toBeGreaterThan(1);
    expect(secondTicks).toEqual([...secondTicks].sort((x, y) => x - y));
    expect(Math.max(...secondTicks)).toBeLessThanOrEqual(repoSize);

    // Finished files were not fetched again; the big one restarted, then resumed with Range from
    // the last whole piece on disk.
    const gets = hub.requests.filter((r) => r.method === 'GET' && r.path.includes('/resolve/'));
    expect(gets.map((r) => [r.path.split('/').pop(), r.range, r.status])).toEqual([
      [BIG, null, 200],
      [BIG, `bytes=${HF_CHUNK}-`, 206],
    ]);
    // Plain HTTP only: nothing but the model API, the tree listing and resolve URLs was asked for (no Xet).
    expect(hub.requests.filter((r) => r.status === 404 || !(r.path.startsWith(`/api/models/${REPO}`) || r.path.startsWith(`/${REPO}/resolve/`)))).toEqual([]);
    // No partial file is left behind.
    const leftovers = readdirSync(join(ready.path, '.cache', 'huggingface', 'download'), { recursive: true, encoding: 'utf8' });
    expect(leftovers.filter((f) => f.endsWith('.incomplete'))).toEqual([]);
  }, 90_000);

  it('refuses an unknown repository with a sentence naming it, and registers nothing', async () => {
    const before = (await t.call('listBaseModels', {})).length;
    await expect(t.call('inspectHubModel', { hubId: 'test-org/no-such-model' })).rejects.toThrow('There is no model test-org/no-such-model on the Hugging Face hub');
    await expect(t.call('addBaseModel', { source: 'hub', hubId: 'test-org/no-such-model' })).rejects.toThrow('There is no model test-org/no-such-model on the Hugging Face hub');
    expect((await t.call('listBaseModels', {})).length).toBe(before);
    expect(existsSync(join(t.dataDir, 'models', 'hub', 'test-org--no-such-model'))).toBe(false);
  });
});
