#!/usr/bin/env node
/**
 * `npm start` (after `npm run build`): opens the desktop app when the Electron binary is
 * installed, otherwise says so in one line and starts the browser mode (`studio serve`), which
 * prints the URL to open. Arguments after `npm start --` go to `studio serve` in browser mode.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedElectronBinary } from './electron-binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

function electronBinary() {
  try {
    // Never `require('electron')`: since Electron 42 that may start a download.
    return installedElectronBinary(dirname(require.resolve('electron/package.json')));
  } catch {
    return null;
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

/** Why the desktop app cannot start here, in one line, or null when it can. */
function desktopMissing(electron) {
  if (!electron) return 'The Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1 at npm install, or run `node node_modules/electron/install.js`)';
  // Built by postinstall (scripts/build-electron-native.mjs); without it the desktop app cannot open its database.
  if (!existsSync(join(root, 'node_modules', '.studio-electron', 'better_sqlite3.node'))) {
    return 'The Electron build of better-sqlite3 is missing (run `npm install` again with Electron installed)';
  }
  return null;
}

const electron = electronBinary();
const missing = desktopMissing(electron);
if (!missing && process.env.STUDIO_BROWSER !== '1') {
  run(electron, [root]);
} else {
  if (missing) process.stdout.write(`${missing}: starting the browser mode instead.\n`);
  run(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...process.argv.slice(2)]);
}
