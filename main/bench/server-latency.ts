/**
 * `npm run bench:server`: what one small API call costs through `studio serve`, request to parsed
 * reply: an in-process server over a fresh data dir, N sequential POST /api/getInfo and
 * /api/listProjects calls on one keep-alive connection (after a warm-up), and the same number of
 * GET /blobs/<sha> of a small image. Prints p50 / p95 / mean of the wall time and the process's
 * CPU time a call (client and server together: steadier than wall time on a busy machine);
 * asserts nothing.
 * Options: --calls N (default 1000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HTTP } from '../../preload/contract/channels.js';
import { silentLogger } from '../core/logger.js';
import { openStudio } from '../core/studio.js';
import { startServer } from '../server/server.js';
import { ms, summarise } from './stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const line = (text: string) => process.stdout.write(`${text}\n`);

function call(agent: Agent, port: number, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const calls = arg('calls', 1000);
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-bench-server-'));
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log: silentLogger() });
  const server = await startServer({ core, rendererDir: null, log: silentLogger() });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6300010000050001' + '0d0a2db40000000049454e44ae426082', 'hex');
    const { sha256 } = await core.blobs.put(png);
    const json = { 'content-type': 'application/json', [HTTP.tokenHeader]: server.token };
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['POST /api/getInfo', async () => JSON.parse((await call(agent, server.port, 'POST', HTTP.api('getInfo'), json, '{}')).toString('utf8'))],
      ['POST /api/listProjects', async () => JSON.parse((await call(agent, server.port, 'POST', HTTP.api('listProjects'), json, '{}')).toString('utf8'))],
      ['GET /blobs/<sha>', () => call(agent, server.port, 'GET', HTTP.blob(sha256), { [HTTP.tokenHeader]: server.token })],
    ];
    line(`studio serve, ${calls} sequential calls each on one keep-alive connection (after ${Math.min(200, calls)} warm-up calls)`);
    for (const [name, run] of cases) {
      for (let i = 0; i < Math.min(200, calls); i += 1) await run();
      const samples: number[] = [];
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < calls; i += 1) {
        const start = performance.now();
        await run();
        samples.push(performance.now() - start);
      }
      const cpu = process.cpuUsage(cpuBefore);
      const s = summarise(samples);
      const cpuPerCall = (cpu.user + cpu.system) / 1000 / calls;
      line(`  ${name.padEnd(24)} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  mean ${ms(s.mean)}  CPU ${ms(cpuPerCall)} a call`);
    }
  } finally {
    agent.destroy();
    await server.close();
    core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
