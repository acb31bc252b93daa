/**
 * better-sqlite3 is a native module built for one ABI. `npm install` builds it for Node (the CLI,
 * `studio serve`, the tests); scripts/build-electron-native.mjs (postinstall) builds a second
 * copy for Electron's ABI into node_modules/.studio-electron/. The desktop host hands that copy to
 * the core as `nativeBinding`, so neither side ever needs a manual rebuild.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_NATIVE_DIR = join('node_modules', '.studio-electron');
export const ELECTRON_SQLITE_BINDING = join(ELECTRON_NATIVE_DIR, 'better_sqlite3.node');

/**
 * The Electron-ABI binding for an app rooted at `appPath` (app.getAppPath()). Inside a packaged
 * app the .node file is unpacked next to app.asar (electron-builder.yml asarUnpack).
 */
export function electronSqliteBinding(appPath: string): string | null {
  const unpacked = appPath.endsWith('.asar') ? `${appPath}.unpacked` : appPath;
  const candidate = join(unpacked, ELECTRON_SQLITE_BINDING);
  return existsSync(candidate) ? candidate : null;
}
