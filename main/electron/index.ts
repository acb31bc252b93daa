/**
 * The desktop host (out/main/electron.js, package.json "main"). A thin shell over the same core
 * `studio serve` uses: it opens the core with the Electron-ABI SQLite binding, serves the renderer
 * from app://studio/ and images from studio-blob://local/, answers one IPC channel per StudioApi
 * method, and forwards events. Every security setting comes from security.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { createLogger } from '../core/logger.js';
import { openStudio, type StudioCore } from '../core/studio.js';
import { onnxScoring } from '../inference/scoring.js';
import { defaultDataDir } from '../server/data-dir.js';
import type { ErrorLog } from '../server/dispatch.js';
import { forwardEvents, registerIpcHandlers } from './ipc.js';
import { electronSqliteBinding } from './native-binding.js';
import { handleProtocols, registerPrivilegedSchemes } from './protocols.js';
import { trustDialog } from './trust-dialog.js';
import { createMainWindow, installAppGuards } from './window.js';
import { DEFAULT_BACKUP_SCHEDULE } from '../core/backup/schedule.js';

const log = createLogger().child({ component: 'electron' });
const errorLog: ErrorLog = (message, err) => log.error(message, { err });

/** Files the app ships: inside app.asar when packaged (renderer and natives unpacked beside it). */
function appFiles() {
  const appPath = app.getAppPath();
  const unpacked = appPath.endsWith('.asar') ? `${appPath}.unpacked` : appPath;
  return {
    preload: join(appPath, 'out', 'preload', 'bridge.cjs'),
    rendererDir: join(unpacked, 'out', 'renderer'),
    demoDataDir: app.isPackaged ? join(process.resourcesPath, 'demo-data') : join(appPath, 'demo-data'),
  };
}

function fail(title: string, message: string): void {
  log.error(title, { message });
  dialog.showErrorBox(title, message);
  app.exit(1);
}

async function start(): Promise<void> {
  installAppGuards();
  const files = appFiles();
  const nativeBinding = electronSqliteBinding({ appPath: app.getAppPath(), resourcesPath: process.resourcesPath, isPackaged: app.isPackaged });
  if (!nativeBinding) {
    fail(
      'COSMO Studio cannot open its database',
      'The Electron build of better-sqlite3 is missing (node_modules/.studio-electron/better_sqlite3.node). ' +
        'Run `npm install` again with the Electron binary installed, or use the browser mode: `npm run serve`.',
    );
    return;
  }
  if (!existsSync(join(files.rendererDir, 'index.html'))) {
    fail('COSMO Studio is not built', `${files.rendererDir} has no index.html: run \`npm run build\` first.`);
    return;
  }
  let core: StudioCore;
  const dataDir = defaultDataDir();
  // The person at the desktop confirms trust_remote_code in a dialog over the main window.
  let mainWindow: BrowserWindow | null = null;
  const localCaller = trustDialog(() => mainWindow);
  try {
    core = await openStudio({
      dataDir,
      host: 'electron',
      version: app.getVersion(),
      nativeBinding,
      demoDataDir: files.demoDataDir,
      log,
      localCaller,
      backups: DEFAULT_BACKUP_SCHEDULE,
      learnedScoring: onnxScoring(),
    });
  } catch (err) {
    fail('COSMO Studio cannot open its data', `${dataDir}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  handleProtocols({ rendererDir: files.rendererDir, blobs: core.blobs, exportsDir: core.paths.exports, log: errorLog });
  const removeHandlers = registerIpcHandlers(core, errorLog);

  const window = createMainWindow(files.preload);
  mainWindow = window;
  forwardEvents(core, window.webContents);

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.once('window-all-closed', () => {
    removeHandlers();
    core.close();
    app.quit();
  });
}

// Schemes must be registered before `ready`; one instance per user, so one process owns the database.
registerPrivilegedSchemes();
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A failure anywhere in start() (not only in whenReady) ends the app with a message, rather
  // than leaving a process with no window.
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      errorLog('startup failed', err);
      fail('COSMO Studio could not start', err instanceof Error ? err.message : String(err));
    });
}
