/**
 * Hugging Face hub models, through huggingface_hub in the worker's environment: the size of a
 * repository before anything is downloaded, then a resumable snapshot_download into
 * <dataDir>/models/hub/<owner>--<name> whose progress is the bytes on disk against that size.
 * (Not exercised in this repository's tests: they run with no hub access.)
 */
import { z } from 'zod';
import { folderSize } from './backbone.js';
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

export async function inspectHub(
  python: string,
  hubId: string,
  revision: string | undefined,
): Promise<{ ok: true; value: z.infer<typeof HubSize> } | { ok: false; message: string }> {
  const run = await runPython(python, ['-c', INSPECT, hubId, revision ?? ''], { timeoutMs: 60_000, env: { ...process.env, HF_HUB_DISABLE_TELEMETRY: '1' } });
  if (run.spawnError) return { ok: false, message: run.spawnError };
  if (run.timedOut) return { ok: false, message: `The Hugging Face hub did not answer about ${hubId} within 60 s.` };
  if (run.code !== 0) return { ok: false, message: `The Hugging Face hub could not be asked about ${hubId}: ${lastErrorLine(run.stderr)}` };
  try {
    const parsed = HubSize.safeParse(JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null'));
    if (parsed.success) return { ok: true, value: parsed.data };
  } catch {
    // fall through to the message below
  }
  return { ok: false, message: `The hub's answer about ${hubId} could not be read.` };
}

/** Downloads (or resumes) into `dir`, calling `onBytes` about once a second. */
export async function downloadHub(
  python: string,
  hubId: string,
  revision: string | undefined,
  dir: string,
  onBytes: (done: number) => void,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const timer = setInterval(() => onBytes(folderSize(dir, 4)), 1000);
  try {
    const run = await runPython(python, ['-c', DOWNLOAD, hubId, revision ?? '', dir], { env: { ...process.env, HF_HUB_DISABLE_TELEMETRY: '1' } });
    if (run.spawnError) return { ok: false, message: run.spawnError };
    if (run.code !== 0) return { ok: false, message: `Downloading ${hubId} failed: ${lastErrorLine(run.stderr)}` };
    onBytes(folderSize(dir, 4));
    return { ok: true };
  } finally {
    clearInterval(timer);
  }
}
