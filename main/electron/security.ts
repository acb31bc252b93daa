/**
 * Every security decision of the desktop host, as plain data and pure functions, so the unit
 * tests check exactly what production uses (tests/unit/electron-security.test.ts) and nothing
 * here needs Electron to run. main/electron/window.ts and protocols.ts wire these into Electron.
 *
 * The checklist (Electron's security guide): context isolation, sandbox, no Node in the page or
 * its workers and frames, web security on, no insecure content, no experimental or Blink
 * features, no <webview>, a strict CSP, navigation and new windows blocked, links opened in the
 * OS browser only when they are plain http(s), every permission denied, every IPC sender checked.
 */
import { BLOB_PROTOCOL } from '../../preload/contract/channels.js';

/** The renderer is loaded from app://studio/, never from file:// (which would open the whole disk). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Images and exports: studio-blob://local/blobs/<sha>, /blobs/<sha>/thumb, /exports/<id>. */
export const BLOB_HOST = 'local';
export const BLOB_ORIGIN = `${BLOB_PROTOCOL}://${BLOB_HOST}`;

/**
 * The exact webPreferences of every window the studio opens. DevTools only in development
 * (`packaged` is `app.isPackaged`): a packaged build gives nobody a console into the renderer.
 */
export function secureWebPreferences(preloadPath: string, packaged: boolean) {
  return {
    preload: preloadPath,
    devTools: !packaged,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  } as const;
}

/**
 * The renderer's CSP, sent as a header on every app:// response. Scripts and styles only from
 * the app bundle, images also from data:/blob: (previews of picked files) and the blob protocol,
 * no network at all (the desktop app talks to its core over IPC only), never framed.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: blob: ${BLOB_PROTOCOL}:`,
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Schemes registered as privileged before the app is ready (standard, secure, fetchable). */
export const PRIVILEGED_SCHEMES = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: BLOB_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true } },
] as const;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True for a URL of the app itself (app://studio/...). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/**
 * will-navigate / will-redirect: the window stays on the app. A reload or an in-app route of
 * app://studio/ is allowed; an export link (studio-blob://local/exports/<id>) becomes a download;
 * everything else (a link, a dropped file, a redirect) is blocked.
 */
export function navigationDecision(url: string): 'allow' | 'download' | 'block' {
  if (isAppUrl(url)) return 'allow';
  if (isExportLink(url)) return 'download';
  return 'block';
}

/**
 * The only URLs handed to the OS browser (from window.open or target=_blank links): http and
 * https, without credentials in the URL, at most 2000 characters. Everything else (file:,
 * javascript:, custom schemes that launch programs) is dropped. Returns the normalised URL.
 */
export function externalLinkTarget(url: string): string | null {
  if (url.length > 2000) return null;
  const parsed = parse(url);
  if (!parsed) return null;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (parsed.username !== '' || parsed.password !== '') return null;
  if (parsed.hostname === '') return null;
  return parsed.toString();
}

/** The new-window decision: always deny; the caller opens `openExternally` in the OS browser if set. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalLinkTarget(url) };
}

/** No permission (camera, microphone, notifications, geolocation, clipboard, HID...) is ever granted. */
export function permissionDecision(_permission: string): false {
  return false;
}

/**
 * IPC calls are answered only for frames showing the app itself: a page that somehow got
 * loaded in a window (an iframe, a navigation that slipped through) cannot call the core.
 */
export function isTrustedSender(frameUrl: string | null | undefined): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl);
}

/**
 * An export download of the blob protocol (studio-blob://local/exports/<one path segment>). The
 * id itself is validated where the download is answered (routes/files.ts), like every request.
 */
export function isExportLink(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === `${BLOB_PROTOCOL}:` && parsed.host === BLOB_HOST && parsed.username === '' && parsed.password === '' && /^\/exports\/[^/]+$/.test(parsed.pathname);
}

/** Headers on every app:// answer (the renderer routes add the type, length and caching). */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
};
