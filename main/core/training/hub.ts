/**
 * Hugging Face hub models, through huggingface_hub in the worker's environment: the size of a
 * repository before anything is downloaded, then a resumable snapshot_download into
 * <dataDir>/models/hub/<owner>--<name> whose progress is the bytes on disk against that size.
 * Finished files are kept between attempts (huggingface_hub's metadata under .cache/huggingface);
 * within an attempt a dropped connection resumes with a Range request. A partial file left by a
 * killed attempt cannot be resumed (huggingface_hub 2.x names it per process), so it is removed.
 * Exercised against a stand-in hub by tests/integration/training-hub.test.ts.
 */
import { existsSync, readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { lastErrorLine, runPython } from './python-probe.js';

const INSPECT = `
import json, sys
from huggingface_hub import HfApi
info = HfApi().model_info(sys.argv[1], revision=(sys.argv[2] or None), files_metadata=True)
files = list(info.siblings or [])
print(json.dumps({"revision": info.sha, "files": len(files), "size": sum((f.size or 0) for f in files)}))
`;

const DOWNLOAD = `
import json, sys
from huggingface_hub import snapshot_download
path = snapshot_download(repo_id=sys.argv[1], revision=(sys.argv[2] or None), local_dir=sys.argv[3])
print(json.dumps({"path": path}))
`;

export const HubSize = z.object({ revision: z.string().nullable(), files: z.number().int(), size: z.number() });

export function hubFolderName(hubId: string): string {
  return hubId.replace('/', '--');
}

export async function inspectHub(python: string, hubId: string, revision: string | undefined): Promise<{ ok: true; value: z.infer<typeof HubSize> } | { ok: false; message: string }> {
  const run = await runPython(python, ['-c', INSPECT, hubId, revision ?? ''], { timeoutMs: 60_000, env: { ...process.env, HF_HUB_DISABLE_TELEMETRY: '1' } });
  if (run.spawnError) return { ok: false, message: run.spawnError };
  if (run.timedOut) return { ok: false, message: `The Hugging Face hub did not answer about ${hubId} within 60 s.` };
  if (run.code !== 0 && run.stderr.includes('RepositoryNotFoundError')) {
    return { ok: false, message: `There is no model ${hubId} on the Hugging Face hub (or it is private and no token is set): check the id.` };
  }
  if (run.code !== 0) return { ok: false, message: `The Hugging Face hub could not be asked about ${hubId}: ${lastErrorLine(run.stderr)}` };
  try {
    const parsed = HubSize.safeParse(JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null'));
    if (parsed.success) return { ok: true, value: parsed.data };
  } catch {
    // fall through to the message below
  }
  return { ok: false, message: `The hub's answer about ${hubId} could not be read.` };
}

/** A killed download leaves `<hash>.<etag>.<uuid>.incomplete` files that no later attempt reuses. */
function removeLeftoverPartials(dir: string): void {
  const partials = join(dir, '.cache', 'huggingface', 'download');
  if (!existsSync(partials)) return;
  for (const name of readdirSync(partials, { recursive: true, encoding: 'utf8' })) if (name.endsWith('.incomplete')) rmSync(join(partials, name), { force: true });
}

/**
 * Bytes downloaded so far: the repository's files plus the partial files huggingface_hub is
 * writing under .cache/huggingface, but not its bookkeeping there (metadata, locks, tree listing),
 * which would push the count past the repository's size.
 */
function downloadedBytes(dir: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    if (relative(dir, path).split(sep)[0] === '.cache' && !e.name.endsWith('.incomplete')) continue;
    try {
      total += statSync(path).size;
    } catch {
      // moved while walking (a finished partial renamed into place): counted at its new path
    }
  }
  return total;
}

/** Downloads (or resumes) into `dir`, calling `onBytes` about once a second. */
export async function downloadHub(python: string, hubId: string, revision: string | undefined, dir: string, onBytes: (done: number) => void): Promise<{ ok: true } | { ok: false; message: string }> {
  removeLeftoverPartials(dir);
  const timer = setInterval(() => onBytes(downloadedBytes(dir)), 1000);
  try {
    const run = await runPython(python, ['-c', DOWNLOAD, hubId, revision ?? '', dir], { env: { ...process.env, HF_HUB_DISABLE_TELEMETRY: '1' } });
    if (run.spawnError) return { ok: false, message: run.spawnError };
    if (run.code !== 0) return { ok: false, message: `Downloading ${hubId} failed: ${lastErrorLine(run.stderr)}` };
    onBytes(downloadedBytes(dir));
    return { ok: true };
  } finally {
    clearInterval(timer);
  }
}
