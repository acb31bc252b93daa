#!/usr/bin/env node
/**
 * postinstall: builds a second copy of better-sqlite3 for Electron's ABI, next to the Node build
 * that `npm install` already made. Node (CLI, `studio serve`, tests) keeps the default build in
 * node_modules/better-sqlite3; the desktop host loads node_modules/.studio-electron/better_sqlite3.node
 * (passed to the core as `nativeBinding`). One `npm install` serves both; nobody toggles rebuilds.
 *
 * Electron 42+ has no postinstall of its own: when its binary is missing this fetches it with
 * Electron's installer first (electron-binary.mjs). With ELECTRON_SKIP_BINARY_DOWNLOAD=1 (CI,
 * servers) and no binary it prints one line and does nothing. A failed build warns and leaves npm install successful: the browser mode
 * works without it, and `npm start` says what is missing.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectronBinary } from './electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const outDir = join(root, 'node_modules', '.studio-electron');
const target = join(outDir, 'better_sqlite3.node');
const stampFile = join(outDir, 'stamp.json');

function say(line) {
  process.stdout.write(`build-electron-native: ${line}\n`);
}

function electronBinary() {
  try {
    return ensureElectronBinary(dirname(require.resolve('electron/package.json')), say);
  } catch {
    return null;
  }
}

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  return result.status === 0;
}

function main() {
  if (!electronBinary()) {
    say('no Electron binary (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed); skipped the Electron build of better-sqlite3 (browser mode needs none)');
    return;
  }
  const electronVersion = require('electron/package.json').version;
  const sqliteDir = dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')).version;
  const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
  if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === JSON.stringify(stamp)) {
    say(`better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} is up to date`);
    return;
  }

  // Build in a copy so the Node build in node_modules/better-sqlite3 is never touched.
  const work = join(outDir, 'build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(sqliteDir, work, { recursive: true, filter: (src) => !src.startsWith(join(sqliteDir, 'build')) && !src.startsWith(join(sqliteDir, 'node_modules')) });

  const common = [`--runtime=electron`, `--target=${electronVersion}`, `--arch=${process.arch}`];
  say(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (${process.platform}-${process.arch})`);
  const prebuilt = run(process.execPath, [require.resolve('prebuild-install/bin.js'), ...common], work);
  const built = prebuilt || run(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', ...common, '--dist-url=https://electronjs.org/headers'], work);
  const produced = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!built || !existsSync(produced)) {
    say('WARNING: could not build better-sqlite3 for Electron (no prebuilt binary and no compiler or headers); the desktop app will not start, `npm start` falls back to the browser');
    return;
  }
  copyFileSync(produced, target);
  writeFileSync(stampFile, JSON.stringify(stamp));
  rmSync(work, { recursive: true, force: true });
  say(`wrote ${target}`);
}

main();
