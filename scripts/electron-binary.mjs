/**
 * Where the installed Electron binary is, read the way the electron package itself reads it
 * (path.txt beside its package.json, the executable under dist/) but without `require('electron')`:
 * since Electron 42 the package has no postinstall and fetches its binary lazily, so requiring it
 * on a machine without the binary would start a download. Used by postinstall
 * (build-electron-native.mjs) and `npm start` (start.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Electron executable inside the electron package folder, or null when it is not installed. */
export function installedElectronBinary(electronDir, env = process.env) {
  const pathFile = join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const overridden = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
    return existsSync(overridden) ? overridden : null;
  }
  if (!executable) return null;
  const path = join(electronDir, 'dist', executable);
  return existsSync(path) ? path : null;
}

/**
 * The binary, fetched first with Electron's own installer (install.js) when it is missing, as
 * `npm install` did before Electron 42. ELECTRON_SKIP_BINARY_DOWNLOAD=1 (which Electron 42+ no
 * longer reads itself) still means "no download": servers and CI run the browser mode only.
 */
export function ensureElectronBinary(electronDir, say, env = process.env) {
  const found = installedElectronBinary(electronDir, env);
  if (found || env.ELECTRON_SKIP_BINARY_DOWNLOAD) return found;
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) return null;
  say('downloading the Electron binary (set ELECTRON_SKIP_BINARY_DOWNLOAD=1 to skip)');
  spawnSync(process.execPath, [installer], { cwd: electronDir, stdio: ['ignore', 'inherit', 'inherit'], env });
  return installedElectronBinary(electronDir, env);
}
