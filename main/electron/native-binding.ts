/**
 * better-sqlite3 is a native module built for one ABI. `npm install` builds it for Node (the CLI,
 * `studio serve`, the tests); scripts/build-electron-native.mjs (postinstall) builds a second
 * copy for Electron's ABI into node_modules/.studio-electron/. The desktop host hands that copy to
 * the core as `nativeBinding`, so neither side ever needs a manual rebuild.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_SQLITE_BINDING = join('node_modules', '.studio-electron', 'better_sqlite3.node');
/** Where electron-builder.yml's extraResources puts it in a packaged app. */
export const PACKAGED_SQLITE_BINDING = join('native', 'better_sqlite3.node');

export interface AppLocation {
  /** app.getAppPath(): the repository root in development, .../resources/app.asar when packaged. */
  appPath: string;
  /** process.resourcesPath */
  resourcesPath: string;
  isPackaged: boolean;
}

/** The Electron-ABI binding, or null when it was never built (no Electron at install time). */
export function electronSqliteBinding(where: AppLocation): string | null {
  const candidate = where.isPackaged ? join(where.resourcesPath, PACKAGED_SQLITE_BINDING) : join(where.appPath, ELECTRON_SQLITE_BINDING);
  return existsSync(candidate) ? candidate : null;
}
