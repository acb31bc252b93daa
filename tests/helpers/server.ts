/**
 * Starts a real studio server for tests, on a free port of 127.0.0.1 over a fresh temp data dir.
 *
 *   const server = await startTestServer();                 // `node out/main/cli.js serve` (needs `npm run build`)
 *   const server = await startTestServer({ mode: 'in-process' }); // openStudio + startServer in this process
 *   await page.goto(server.url);                             // the URL carries the token
 *   const project = await server.call('createProject', { name: 'p' }); // POST /api/<method>, output validated
 *   await server.stop();                                     // stops it and deletes the temp data dir
 *
 * 'built' is what end-to-end tests want: the same binary and renderer a user runs. 'in-process'
 * needs no build and gives the test the core itself (unit and integration tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { studioMethods, type MethodInput, type MethodName, type MethodOutput } from '../../preload/contract/api';
import { HTTP } from '../../preload/contract/channels';
import { StudioError, StudioErrorBody } from '../../preload/contract/errors';
import { silentLogger } from '../../main/core/logger';
import { openStudio, type StudioCore } from '../../main/core/studio';
import { startServer } from '../../main/server/server';

export const REPO_ROOT = resolve(__dirname, '../..');
export const BUILT_CLI = join(REPO_ROOT, 'out', 'main', 'cli.js');
export const BUILT_RENDERER = join(REPO_ROOT, 'out', 'renderer');

export interface TestServerOptions {
  mode?: 'built' | 'in-process';
  /** Use this data dir (kept after stop) instead of a fresh temp dir (deleted after stop). */
  dataDir?: string;
  /** in-process only: the renderer to serve (default out/renderer when built, else API only). */
  rendererDir?: string | null;
  /** built only: extra arguments after `serve`. */
  args?: string[];
}

export interface TestServer {
  /** http://127.0.0.1:<port>/?token=<token>: open it in the browser. */
  url: string;
  /** http://127.0.0.1:<port> */
  origin: string;
  token: string;
  port: number;
  dataDir: string;
  /** The core, in-process mode only. */
  core: StudioCore | null;
  /** Calls a StudioApi method over HTTP; returns the output parsed by its schema, throws StudioError otherwise. */
  call<K extends MethodName>(name: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
  stop(): Promise<void>;
}

const URL_LINE = /(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))/;

export async function callApi<K extends MethodName>(origin: string, token: string, name: K, input: MethodInput<K>): Promise<MethodOutput<K>> {
  const response = await fetch(`${origin}${HTTP.api(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HTTP.tokenHeader]: token },
    body: JSON.stringify(input),
  });
  const body: unknown = await response.json();
  if (!response.ok) {
    const error = StudioErrorBody.safeParse(body);
    if (error.success) throw Object.assign(new StudioError(error.data.code, error.data.message, error.data.problems), { status: response.status });
    throw new Error(`${name}: HTTP ${response.status} with a body that is not a StudioErrorBody: ${JSON.stringify(body)}`);
  }
  return studioMethods[name].output.parse(body) as MethodOutput<K>;
}

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`studio serve printed no URL within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`));
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = URL_LINE.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => fail(new Error(`studio serve exited with code ${code} before printing its URL`)));
  });
}

async function startBuilt(dataDir: string, args: string[]): Promise<Omit<TestServer, 'call' | 'dataDir'>> {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [BUILT_CLI, 'serve', '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, STUDIO_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await waitForUrl(child, 60_000);
  // Keep draining the pipes so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const [, url, port, token] = match;
  return {
    url: url!,
    origin: `http://127.0.0.1:${port}`,
    token: token!,
    port: Number(port),
    core: null,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function startInProcess(dataDir: string, rendererDir: string | null | undefined): Promise<Omit<TestServer, 'call' | 'dataDir'>> {
  const core = await openStudio({ dataDir, host: 'server', version: '0.0.0-test', log: silentLogger(), demoDataDir: join(REPO_ROOT, 'demo-data') });
  const renderer = rendererDir === undefined ? (existsSync(BUILT_RENDERER) ? BUILT_RENDERER : null) : rendererDir;
  const running = await startServer({ core, rendererDir: renderer, log: silentLogger() });
  return {
    url: running.url,
    origin: running.origin,
    token: running.token,
    port: running.port,
    core,
    stop: async () => {
      await running.close();
      core.close();
    },
  };
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'studio-test-'));
  let started: Omit<TestServer, 'call' | 'dataDir'>;
  try {
    started = (options.mode ?? 'built') === 'built' ? await startBuilt(dataDir, options.args ?? []) : await startInProcess(dataDir, options.rendererDir);
  } catch (err) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...started,
    dataDir,
    call: (name, input) => callApi(started.origin, started.token, name, input),
    stop: async () => {
      await started.stop();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
