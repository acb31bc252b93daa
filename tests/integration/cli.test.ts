/**
 * The `studio` CLI, run in-process through runCli(argv, io) over temp data dirs: import, export,
 * projects, stats and serve, their errors and exit codes; plus one smoke test of the built binary
 * when `npm run build` has produced it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyLabels, ProjectStats, ProjectSummary } from '../../preload/contract/domain';
import { silentLogger } from '../../main/core/logger';
import { openStudio } from '../../main/core/studio';
import { HTTP } from '../../preload/contract/channels';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { defaultDataDir } from '../../main/server/data-dir';
import { BUILT_CLI, REPO_ROOT } from '../helpers/server';

interface Captured {
  io: CliIo;
  out(): string;
  err(): string;
  stop(): void;
}

function capture(env: Record<string, string | undefined> = {}): Captured {
  let out = '';
  let err = '';
  const controller = new AbortController();
  return {
    io: {
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        err += s;
      },
      isTTY: false,
      env: { HOME: tmpdir(), STUDIO_LOG_LEVEL: 'error', ...env },
      stop: controller.signal,
    },
    out: () => out,
    err: () => err,
    stop: () => controller.abort(),
  };
}

let dir: string;
let dataDir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'studio-cli-'));
  dataDir = join(dir, 'data');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeItems(name: string, rows: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n') + '\n');
  return path;
}

const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `q-${i}`, text: `Prompt number ${i}: how do I kill a Python process?`, category: 'privacy', expected: 'comply', source: 'cli test' }));

async function cli(argv: string[], env?: Record<string, string | undefined>) {
  const c = capture(env);
  const code = await runCli(argv, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('studio import / projects / stats', () => {
  it('imports into a new project with --create and lists it', async () => {
    const file = writeItems('items.jsonl', items(25));
    const refused = await cli(['import', file, '--project', 'Safety', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/no project called "Safety".*--create/);

    const done = await cli(['import', file, '--project', 'Safety', '--create', '--data-dir', dataDir]);
    expect(done.err).toContain('Created project "Safety"');
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/^Imported 25 items \(0 with images, 0 labels\) into "Safety"/);

    const again = await cli(['import', file, '--project', 'Safety', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^Imported 0 items/);
    expect(again.err).toMatch(/Duplicates left out \(25\)/);

    const listed = await cli(['projects', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    const projects = ProjectSummary.array().parse(JSON.parse(listed.out));
    expect(projects.map((p) => [p.name, p.itemCount])).toEqual([['Safety', 25]]);

    const table = await cli(['projects', '--data-dir', dataDir]);
    expect(table.out).toMatch(/id\s+name\s+items/);
    expect(table.out).toMatch(/1\s+Safety\s+25/);
  });

  it('changes nothing when a row is bad, names the file, line and field, and imports the valid rows on request', async () => {
    const file = writeItems('broken.jsonl', [...items(3), '{"id": "bad", "text": 42}', '{not json']);
    const failed = await cli(['import', file, '--project', 'P', '--create', '--data-dir', dataDir]);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/nothing was imported: 2 errors/);
    expect(failed.err).toMatch(/broken\.jsonl, line 4, text: /);
    expect(failed.err).toMatch(/broken\.jsonl, line 5/);
    expect(failed.err).toContain('was created and is still empty');
    const empty = ProjectSummary.array().parse(JSON.parse((await cli(['projects', '--json', '--data-dir', dataDir])).out));
    expect(empty[0]?.itemCount).toBe(0);

    const partial = await cli(['import', file, '--project', 'P', '--valid-rows', '--data-dir', dataDir]);
    expect(partial.code).toBe(0);
    expect(partial.out).toMatch(/^Imported 3 items/);
    expect(partial.err).toMatch(/Rows skipped \(2\)/);
  });

  it('draws a progress bar on a terminal only', async () => {
    const file = writeItems('items.jsonl', items(30));
    const tty = capture();
    tty.io.isTTY = true;
    expect(await runCli(['import', file, '--project', 'T', '--create', '--data-dir', dataDir], tty.io)).toBe(0);
    expect(tty.err()).toMatch(/\r(reading|checking|writing)/);
    expect(tty.err().endsWith('\r')).toBe(true);
    const piped = await cli(['import', writeItems('more.jsonl', items(31)), '--project', 'T', '--data-dir', dataDir]);
    expect(piped.err).not.toContain('\r');
  });

  it('says clearly when the file does not exist', async () => {
    const missing = await cli(['import', join(dir, 'nope.jsonl'), '--project', 'P', '--create', '--data-dir', dataDir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.jsonl/);
  });

  it('prints stats as JSON and as text', async () => {
    await cli(['import', writeItems('items.jsonl', items(5)), '--project', 'S', '--create', '--data-dir', dataDir]);
    const json = await cli(['stats', '--project', 'S', '--json', '--data-dir', dataDir]);
    expect(json.code).toBe(0);
    const stats = ProjectStats.parse(JSON.parse(json.out));
    expect(stats.items).toBe(5);
    expect(stats.labels).toBe(0);
    const text = await cli(['stats', '--project', 'S', '--data-dir', dataDir]);
    expect(text.out).toMatch(/^Project "S"\n {2}items 5,/);

    const unknown = await cli(['stats', '--project', 'Nope', '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no project called "Nope".*the projects are: "S"/);
  });

  it('refuses a project name that several projects share instead of picking one', async () => {
    const core = await openStudio({ dataDir, host: 'server', version: '0.0.0', log: silentLogger() });
    try {
      await core.handlers.createProject({ name: 'Same', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
      await core.handlers.createProject({ name: 'Same', description: '', annotatorsPerItem: 1, preferenceCriteria: [] });
    } finally {
      core.close();
    }
    const file = writeItems('items.jsonl', items(3));
    const refused = await cli(['import', file, '--project', 'Same', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^studio: 2 projects are called "Same" \(ids 1, 2\)/);
    const listed = JSON.parse((await cli(['projects', '--json', '--data-dir', dataDir])).out) as { itemCount: number }[];
    expect(listed.map((p) => p.itemCount)).toEqual([0, 0]);
  });

  it('uses $STUDIO_DATA_DIR when no --data-dir is given', async () => {
    await cli(['import', writeItems('items.jsonl', items(2)), '--project', 'Env', '--create'], { STUDIO_DATA_DIR: dataDir });
    expect(existsSync(join(dataDir, 'studio.db'))).toBe(true);
    const listed = await cli(['projects', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(listed.out)).toHaveLength(1);
  });
});

describe('printing what came from files', () => {
  // ESC (a colour, a screen clear), CR (rewrites the line), U+202E (reverses what follows), a C1 control.
  const HOSTILE = /[\u001b\r\u202e\u2066\u0085]/;

  it('escapes control and bidi characters in problems and names, and keeps --json valid', async () => {
    const evil = 'x\u001b[2J\r\u202eevil\u2066\u0085';
    const file = writeItems('evil\u202e.jsonl', [
      { id: 'ok', text: 'fine' },
      { id: 'bad', text: 'x', task: evil },
    ]);
    const refused = await cli(['import', file, '--project', `P${evil}`, '--create', '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).not.toMatch(HOSTILE);
    expect(refused.err).toContain('\\u001b[2J\\u000d\\u202eevil\\u2066\\u0085');
    expect(refused.err).toContain('evil\\u202e.jsonl, line 2, task: task');

    const listed = await cli(['projects', '--json', '--data-dir', dataDir]);
    expect(listed.out).not.toMatch(HOSTILE);
    const names = (JSON.parse(listed.out) as Array<{ name: string }>).map((p) => p.name);
    expect(names).toEqual([`P${evil}`]);
    const table = await cli(['projects', '--data-dir', dataDir]);
    expect(table.out).not.toMatch(HOSTILE);
    expect(table.out).toContain('Px\\u001b[2J\\u000d\\u202eevil');
  });
});

describe('studio train --trust-remote-code', () => {
  it('is the explicit consent that turns trust_remote_code on for the --model folder, and only for a folder', async () => {
    const file = writeItems('items.jsonl', items(3));
    expect((await cli(['import', file, '--project', 'Trust', '--create', '--data-dir', dataDir])).code).toBe(0);
    const folder = (name: string) => {
      const path = join(dir, name);
      mkdirSync(path);
      writeFileSync(join(path, 'config.json'), JSON.stringify({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] }));
      return path;
    };
    const plain = folder('plain-model');
    const trusted = folder('trusted-model');
    // No labels, so the run itself is refused; the model is registered first, as the command says.
    expect((await cli(['train', '--project', 'Trust', '--preset', 'standard', '--model', plain, '--data-dir', dataDir])).code).toBe(1);
    expect((await cli(['train', '--project', 'Trust', '--preset', 'standard', '--model', trusted, '--trust-remote-code', '--data-dir', dataDir])).code).toBe(1);
    const models = JSON.parse((await cli(['runs', '--models', '--json', '--data-dir', dataDir])).out) as Array<{ path: string; trustRemoteCode: boolean }>;
    expect(models.map((m) => [m.path, m.trustRemoteCode]).sort()).toEqual([
      [plain, false],
      [trusted, true],
    ]);
    const tiny = await cli(['train', '--project', 'Trust', '--model', 'tiny', '--trust-remote-code', '--data-dir', dataDir]);
    expect(tiny.code).toBe(2);
    expect(tiny.err).toMatch(/--trust-remote-code applies to a model folder/);
  });
});

describe('studio export', () => {
  it('writes a JSONL export and a training snapshot into new folders under --out', async () => {
    await cli(['import', writeItems('items.jsonl', items(4)), '--project', 'E', '--create', '--data-dir', dataDir]);
    const out = join(dir, 'out');
    const jsonl = await cli(['export', '--project', 'E', '--format', 'jsonl', '--out', out, '--data-dir', dataDir]);
    expect(jsonl.err).toBe('');
    expect(jsonl.code).toBe(0);
    expect(jsonl.out).toMatch(/^Exported "E" as jsonl: 4 items, 0 labels, 0 images\n {2}(.+)\n {2}sha256 [0-9a-f]{64}\n$/);
    const [jsonlDir] = readdirSync(out);
    // Text-only items: no images/ folder (it is made only when an item has an image).
    expect(readdirSync(join(out, jsonlDir!)).sort()).toEqual(['items.jsonl']);
    const lines = readFileSync(join(out, jsonlDir!, 'items.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id).sort()).toEqual(['q-0', 'q-1', 'q-2', 'q-3']);

    // A snapshot holds labelled items only: with none it refuses and writes nothing.
    const refused = await cli(['export', '--project', 'E', '--format', 'snapshot', '--out', out, '--data-dir', dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^studio: project "E" has no labelled items/);
    expect(readdirSync(out)).toEqual([jsonlDir]);

    const core = await openStudio({ dataDir, host: 'server', version: 'test', log: silentLogger() });
    try {
      const user = await core.handlers.createUser({ name: 'Ada', role: 'annotator' });
      const queue = await core.handlers.getQueue({ projectId: 1, annotatorId: user.id, count: 2 });
      for (const { item } of queue.items) {
        await core.handlers.submitLabel({
          itemId: item.id,
          annotatorId: user.id,
          labels: { ...emptyLabels(), harmful: false, expected: 'comply', referenceAnswer: 'Use the kill command.' },
          timeSpentMs: 900,
        });
      }
    } finally {
      core.close();
    }
    const snapshot = await cli(['export', '--project', 'E', '--format', 'snapshot', '--out', out, '--data-dir', dataDir]);
    expect(snapshot.err).toBe('');
    expect(snapshot.code).toBe(0);
    expect(snapshot.out).toMatch(/^Exported "E" as snapshot: 2 items, 2 labels, 0 images/);
    const snapshotDir = readdirSync(out).find((name) => name !== jsonlDir)!;
    expect(readdirSync(join(out, snapshotDir))).toEqual(expect.arrayContaining(['manifest.json', 'items.jsonl']));

    const badFormat = await cli(['export', '--project', 'E', '--format', 'csv', '--out', out, '--data-dir', dataDir]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toMatch(/csv.*Allowed choices are jsonl, snapshot/s);
  });
});

describe('usage', () => {
  it('prints help for the program and every command, exit 0', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['serve', 'import', 'export', 'projects', 'stats']) {
      expect(top.out).toContain(command);
      const help = await cli([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.out, command).toMatch(new RegExp(`^Usage: studio ${command}`));
      expect(help.out, command).toContain('--data-dir');
    }
  });

  it('answers usage mistakes with exit code 2 and one clear line', async () => {
    const missing = await cli(['import', 'x.jsonl', '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/required option '--project <name>' not specified/);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    const exposed = await cli(['serve', '--host', '0.0.0.0', '--data-dir', dataDir]);
    expect(exposed.code).toBe(2);
    expect(exposed.err).toMatch(/add --expose/);
    const badPort = await cli(['serve', '--port', 'eighty', '--data-dir', dataDir]);
    expect(badPort.code).toBe(2);
  });
});

describe('studio serve', () => {
  it('serves on 127.0.0.1 with a token until stopped', async () => {
    const c = capture();
    const running = runCli(['serve', '--port', '0', '--data-dir', dataDir], c.io);
    let url: RegExpExecArray | null = null;
    for (let i = 0; i < 200 && !url; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      url = /Open (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})/.exec(c.out());
    }
    expect(url, c.out() + c.err()).not.toBeNull();
    const [, origin, , token] = url!;
    const ok = await fetch(`${origin}${HTTP.api('getInfo')}`, { method: 'POST', headers: { [HTTP.tokenHeader]: token! } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ host: 'server', dataDir });
    const refused = await fetch(`${origin}${HTTP.api('getInfo')}`, { method: 'POST' });
    expect(refused.status).toBe(401);
    c.stop();
    expect(await running).toBe(0);
    expect(c.out()).toContain('Stopped.');
    await expect(fetch(`${origin}${HTTP.api('getInfo')}`, { method: 'POST' })).rejects.toThrow();
  });

  it('says which port is taken when it cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const taken = await cli(['serve', '--port', String(port), '--data-dir', dataDir]);
      expect(taken.code).toBe(1);
      expect(taken.err).toContain(`studio: Port ${port} on 127.0.0.1 is already in use; choose another with --port`);
    } finally {
      blocker.close();
    }
  });

  it('warns loudly when exposed beyond this machine', async () => {
    const c = capture();
    const running = runCli(['serve', '--port', '0', '--expose', '--data-dir', dataDir], c.io);
    for (let i = 0; i < 200 && !c.out().includes('Open '); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(c.err()).toMatch(/^WARNING: listening on 0\.0\.0\.0:\d+, reachable from other machines/);
    c.stop();
    expect(await running).toBe(0);
  });
});

/** The built CLI exists and is newer than every source file it bundles (a stale build proves nothing). */
function builtCliIsFresh(): boolean {
  if (!existsSync(BUILT_CLI)) return false;
  const built = statSync(BUILT_CLI).mtimeMs;
  const newest = (folder: string): number =>
    readdirSync(folder, { withFileTypes: true }).reduce((max, entry) => {
      const path = join(folder, entry.name);
      return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  return built >= Math.max(newest(join(REPO_ROOT, 'main')), newest(join(REPO_ROOT, 'preload')), newest(join(REPO_ROOT, 'db')));
}

describe.skipIf(!builtCliIsFresh())('the built binary', () => {
  it('runs `studio projects` and `studio --version`', () => {
    const bin = join(REPO_ROOT, 'bin', 'studio.mjs');
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const projects = spawnSync(process.execPath, [bin, 'projects', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(projects.stderr).toBe('');
    expect(projects.status).toBe(0);
    expect(projects.stdout).toMatch(/^No projects in /);
    const bad = spawnSync(process.execPath, [bin, 'stats', '--project', 'x', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^studio: There is no project called "x"/);
  });
});

/** True when `npm start` would open the desktop app here (then the fallback cannot be observed). */
function desktopAppCanStart(): boolean {
  const electronPath = join(REPO_ROOT, 'node_modules', 'electron', 'path.txt');
  return existsSync(electronPath) && existsSync(join(REPO_ROOT, 'node_modules', '.studio-electron', 'better_sqlite3.node'));
}

describe.skipIf(!builtCliIsFresh() || desktopAppCanStart())('npm start without the desktop app', () => {
  it('says so in one line, then serves the browser mode and prints its URL', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs'), '--port', '0', '--data-dir', dataDir], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 400 && !out.includes('Open '); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    child.kill('SIGTERM');
    await exited;
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^The Electron (binary is not installed|build of better-sqlite3 is missing).*: starting the browser mode instead\.$/);
    expect(out).toMatch(/\nOpen http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}\n/);
  });
});

describe('the default data directory', () => {
  it('is $STUDIO_DATA_DIR, else the per-user app-data folder of the OS', () => {
    const home = '/home/ada';
    expect(defaultDataDir({ env: { STUDIO_DATA_DIR: '/srv/studio' }, platform: 'linux', home })).toBe('/srv/studio');
    expect(defaultDataDir({ env: {}, platform: 'linux', home })).toBe('/home/ada/.local/share/cosmo-studio');
    expect(defaultDataDir({ env: { XDG_DATA_HOME: '/data/xdg' }, platform: 'linux', home })).toBe('/data/xdg/cosmo-studio');
    expect(defaultDataDir({ env: {}, platform: 'darwin', home })).toBe('/home/ada/Library/Application Support/cosmo-studio');
    expect(defaultDataDir({ env: { APPDATA: '/c/Users/ada/AppData/Roaming' }, platform: 'win32', home })).toBe(join('/c/Users/ada/AppData/Roaming', 'cosmo-studio'));
  });
});
