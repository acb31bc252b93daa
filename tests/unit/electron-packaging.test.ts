/**
 * Electron 45 packaging: finding the Electron binary without `require('electron')` (which, since
 * Electron 42, may start a download), fetching it with Electron's own installer only when allowed,
 * and the beforePack check that refuses a package whose native modules do not match its Electron.
 */
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureElectronBinary, installedElectronBinary } from '../../scripts/electron-binary.mjs';

const require = createRequire(import.meta.url);
const { nativeModuleProblems } = require('../../scripts/check-electron-native.cjs') as {
  nativeModuleProblems(where: { root: string; electronVersion: string; platform: string; arch: string }): string[];
};

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'studio-electron-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function put(root: string, path: string, content = 'x'): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('the Electron binary', () => {
  it('is found from path.txt and dist/, and is null when either is missing', () => {
    const pkg = temp();
    expect(installedElectronBinary(pkg, {})).toBeNull();
    put(pkg, 'path.txt', 'electron');
    expect(installedElectronBinary(pkg, {})).toBeNull(); // path.txt without the download
    put(pkg, 'dist/electron');
    expect(installedElectronBinary(pkg, {})).toBe(join(pkg, 'dist', 'electron'));
  });

  it('is fetched with the package installer when missing, unless ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    const pkg = temp();
    // Stands in for electron/install.js: writes what the real one leaves behind.
    put(pkg, 'install.js', "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/electron','');fs.writeFileSync('path.txt','electron');");
    const said: string[] = [];
    expect(ensureElectronBinary(pkg, (l: string) => said.push(l), { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toBeNull();
    expect(said).toEqual([]);
    expect(ensureElectronBinary(pkg, (l: string) => said.push(l), {})).toBe(join(pkg, 'dist', 'electron'));
    expect(said[0]).toMatch(/downloading the Electron binary/);
  });
});

describe('beforePack native module check', () => {
  function project(stamp: object | null): string {
    const root = temp();
    if (stamp) {
      put(root, 'node_modules/.studio-electron/better_sqlite3.node');
      put(root, 'node_modules/.studio-electron/stamp.json', JSON.stringify(stamp));
    }
    put(root, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node');
    mkdirSync(join(root, 'node_modules/@img/sharp-linux-x64'), { recursive: true });
    return root;
  }
  const target = { electronVersion: '45.5.0', platform: 'linux', arch: 'x64' };

  it('passes when better-sqlite3 is stamped for this Electron and the Node-API binaries are there', () => {
    const root = project({ electron: '45.5.0', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' });
    expect(nativeModuleProblems({ root, ...target })).toEqual([]);
  });

  it('refuses a better-sqlite3 built for another Electron, or none at all', () => {
    const old = project({ electron: '38.8.6', betterSqlite3: '12.11.1', platform: 'linux', arch: 'x64' });
    expect(nativeModuleProblems({ root: old, ...target })).toEqual([expect.stringMatching(/built for Electron 38\.8\.6 linux-x64, but this package is Electron 45\.5\.0 linux-x64/)]);
    expect(nativeModuleProblems({ root: project(null), ...target })).toEqual([expect.stringMatching(/no Electron build/)]);
  });

  it('refuses a target whose Node-API binaries are missing', () => {
    const root = project({ electron: '45.5.0', betterSqlite3: '12.11.1', platform: 'darwin', arch: 'arm64' });
    const problems = nativeModuleProblems({ root, electronVersion: '45.5.0', platform: 'darwin', arch: 'arm64' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toMatch(/onnxruntime-node has no Node-API binary for darwin-arm64/);
    expect(problems.join('\n')).toMatch(/sharp has no prebuilt package for darwin-arm64/);
  });
});
