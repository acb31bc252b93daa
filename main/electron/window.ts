/**
 * The main window and the app-wide guards, wired from security.ts: every webContents (the
 * window, and anything it might spawn) gets navigation, redirect, new-window and <webview>
 * guards; the session denies every permission request and check.
 */
import { app, BrowserWindow, session, shell, type WebContents } from 'electron';
import { APP_ENTRY, navigationDecision, permissionDecision, RENDERER_CSP, secureWebPreferences, windowOpenDecision } from './security.js';

function guardContents(contents: WebContents): void {
  const onNavigate = (event: { preventDefault(): void }, url: string) => {
    const decision = navigationDecision(url);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'download') contents.downloadURL(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
}

/** Call once, before any window exists. */
export function installAppGuards(): void {
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionDecision(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));
  // The app:// and studio-blob:// handlers send the CSP themselves; this puts it on any other
  // response the session might see, so no page in this app ever runs without it.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'COSMO Studio',
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preloadPath, app.isPackaged),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY);
  return window;
}
