/**
 * The server's peak memory (VmHWM of its process) while 8 clients each send a 60 MB file through
 * uploadFile at once. Prints figures; asserts nothing. Linux only (reads /proc).
 *
 *   npx esbuild tests/perf/upload-memory.perf.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=out/perf/upload-memory.mjs && node out/perf/upload-memory.mjs [clients] [MB]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../../main/core/logger.js';
import { openStudio } from '../../main/core/studio.js';
import { startServer } from '../../main/server/server.js';

const TOKEN = 'perf-token-perf-token-perf-token-perf-token';

async function serve(dataDir: string): Promise<void> {
  const core = await openStudio({ dataDir, host: 'server', version: 'perf', log: silentLogger() });
  const server = await startServer({ core, port: 0, token: TOKEN, rendererDir: null, log: silentLogger() });
  process.stdout.write(`${server.port}\n`);
}

function peakKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

async function measure(clients: number, mb: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-upload-mem-'));
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const call = async (name: string, body: string): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-studio-token': TOKEN }, body });
    return res.json();
  };
  const idle = peakKb(child.pid!);
  const body = (uploadId: string) => JSON.stringify({ uploadId, path: 'big.bin', dataBase64: Buffer.alloc(mb * 1024 * 1024, 7).toString('base64') });
  const ids = await Promise.all(Array.from({ length: clients }, async () => ((await call('beginUpload', '{}')) as { uploadId: string }).uploadId));
  const start = performance.now();
  const results = await Promise.all(ids.map((id) => call('uploadFile', body(id))));
  const ms = performance.now() - start;
  const ok = results.filter((r) => typeof (r as { bytes?: unknown }).bytes === 'number').length;
  console.log(
    `${clients} parallel uploads of ${mb} MB: ${ok} stored in ${(ms / 1000).toFixed(1)} s; server peak RSS ${(peakKb(child.pid!) / 1024).toFixed(0)} MB (idle ${(idle / 1024).toFixed(0)} MB)`,
  );
  child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

if (process.argv[2] === 'serve') await serve(process.argv[3]!);
else await measure(Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 60));
