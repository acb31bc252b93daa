/**
 * The desktop host's security settings, checked against Electron's security checklist. These
 * are the very objects and functions main/electron/ wires into Electron (window.ts, ipc.ts,
 * protocols.ts), so what passes here is what ships.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY,
  APP_ORIGIN,
  APP_RESPONSE_HEADERS,
  externalLinkTarget,
  isTrustedSender,
  navigationDecision,
  isExportLink,
  permissionDecision,
  PRIVILEGED_SCHEMES,
  RENDERER_CSP,
  secureWebPreferences,
  windowOpenDecision,
} from '../../main/electron/security';
import { electronSqliteBinding } from '../../main/electron/native-binding';
import { METHOD_NAMES } from '../../preload/contract/api';
import { BLOB_PROTOCOL, EVENT_CHANNEL, HTTP, ipcChannel } from '../../preload/contract/channels';

const SHA = 'a'.repeat(64);

function cspDirectives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name ?? '', values];
    }),
  );
}

describe('webPreferences', () => {
  const prefs = secureWebPreferences('/app/out/preload/bridge.cjs', true);

  it('turns DevTools off in a packaged build and leaves them on in development', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences('/app/out/preload/bridge.cjs', false).devTools).toBe(true);
  });

  it('is given app.isPackaged by the window that uses it', () => {
    const source = readFileSync(join(__dirname, '../../main/electron/window.ts'), 'utf8');
    expect(source).toContain('secureWebPreferences(preloadPath, app.isPackaged)');
    expect(source).not.toMatch(/openDevTools|devTools:\s*true/);
  });

  it('isolates and sandboxes the page with no Node.js anywhere', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/bridge.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and every experimental or insecure switch off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('has exactly the reviewed keys, so a new switch cannot slip in unnoticed', () => {
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });
});

describe('content security policy', () => {
  const csp = cspDirectives(RENDERER_CSP);

  it('allows scripts and styles only from the app bundle, never inline or eval', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(RENDERER_CSP).not.toContain('unsafe-inline');
    expect(RENDERER_CSP).not.toContain('unsafe-eval');
  });

  it('shows images from the app, data/blob URLs and the blob protocol only', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:', `${BLOB_PROTOCOL}:`]);
  });

  it('reaches no network, embeds nothing and cannot be framed', () => {
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
  });

  it('is sent with nosniff on every app response (tests/integration/desktop-routes.test.ts checks the answers themselves)', () => {
    expect(APP_RESPONSE_HEADERS['Content-Security-Policy']).toBe(RENDERER_CSP);
    expect(APP_RESPONSE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('navigation and new windows', () => {
  it('stays on the app', () => {
    expect(navigationDecision(APP_ENTRY)).toBe('allow');
    expect(navigationDecision(`${APP_ORIGIN}/#/projects/3`)).toBe('allow');
  });

  it('blocks every other destination, including look-alikes of the app origin', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://studio.evil.com/',
      'app://user:pw@studio/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      `${BLOB_PROTOCOL}://local${HTTP.blob(SHA)}`,
      'not a url',
    ]) {
      expect(navigationDecision(url), url).toBe('block');
    }
  });

  it('turns export links into downloads instead of navigations', () => {
    expect(navigationDecision(`${BLOB_PROTOCOL}://local${HTTP.exportDownload('exp_1')}`)).toBe('download');
  });

  it('denies every new window and hands only plain http(s) links to the OS browser', () => {
    expect(windowOpenDecision('https://mlcommons.org/ailuminate/')).toEqual({ action: 'deny', openExternally: 'https://mlcommons.org/ailuminate/' });
    for (const url of ['file:///home/me/.ssh/id_rsa', 'javascript:alert(1)', 'smb://server/share', 'ms-msdt:/id', 'https://user:pw@example.com/', 'http://', 'x'.repeat(10)]) {
      expect(windowOpenDecision(url), url).toEqual({ action: 'deny', openExternally: null });
    }
    expect(externalLinkTarget(`https://example.com/${'a'.repeat(2100)}`)).toBeNull();
  });
});

describe('permissions and IPC senders', () => {
  it('grants no permission', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb', 'fullscreen']) {
      expect(permissionDecision(permission)).toBe(false);
    }
  });

  it('answers IPC only from frames showing the app', () => {
    expect(isTrustedSender(APP_ENTRY)).toBe(true);
    expect(isTrustedSender(`${APP_ORIGIN}/index.html#/label`)).toBe(true);
    for (const url of [undefined, null, '', 'https://example.com/', 'file:///tmp/x.html', 'app://other/', 'about:blank', 'devtools://devtools/']) {
      expect(isTrustedSender(url), String(url)).toBe(false);
    }
  });
});

describe('custom schemes', () => {
  it('registers the app and blob schemes as standard and secure, nothing more', () => {
    expect(PRIVILEGED_SCHEMES.map((s) => s.scheme)).toEqual(['app', BLOB_PROTOCOL]);
    for (const entry of PRIVILEGED_SCHEMES) {
      expect(entry.privileges.standard).toBe(true);
      expect(entry.privileges.secure).toBe(true);
      expect(entry.privileges).not.toHaveProperty('bypassCSP');
      expect(entry.privileges).not.toHaveProperty('allowServiceWorkers');
    }
  });

  it('takes only an export of the blob protocol for a download link (the router validates the id itself)', () => {
    const base = `${BLOB_PROTOCOL}://local`;
    expect(isExportLink(`${base}${HTTP.exportDownload('exp-2024.01')}`)).toBe(true);
    for (const url of [
      `${base}${HTTP.blob(SHA)}`,
      `${base}/exports/`,
      `${base}/exports/a/b`,
      `${base}/studio.db`,
      `${BLOB_PROTOCOL}://elsewhere${HTTP.exportDownload('exp_1')}`,
      `${BLOB_PROTOCOL}://user:pw@local${HTTP.exportDownload('exp_1')}`,
      `app://studio${HTTP.exportDownload('exp_1')}`,
      `https://local${HTTP.exportDownload('exp_1')}`,
    ]) {
      expect(isExportLink(url), url).toBe(false);
      expect(navigationDecision(url), url).not.toBe('download');
    }
  });
});

describe('the preload bridge', () => {
  it('exposes one function per contract method, each on its own channel, plus onEvent and nothing else', async () => {
    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: Array<{ channel: string; input: unknown }> = [];
    const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: (channel: string, input: unknown) => {
          invoked.push({ channel, input });
          return Promise.resolve({ ok: true, value: channel });
        },
        on: (channel: string, fn: (...args: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(fn)),
        removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
      },
    }));
    vi.resetModules();
    await import('../../preload/bridge');
    vi.doUnmock('electron');

    expect([...exposed.keys()]).toEqual(['studio']);
    const api = exposed.get('studio')!;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual([...METHOD_NAMES, 'onEvent'].sort());
    for (const name of METHOD_NAMES) {
      const reply = await (api[name] as (input: unknown) => Promise<unknown>)({ probe: name });
      expect(reply).toEqual({ ok: true, value: ipcChannel(name) });
    }
    expect(invoked.map((call) => call.channel)).toEqual(METHOD_NAMES.map(ipcChannel));
    expect(new Set(METHOD_NAMES.map(ipcChannel)).size).toBe(METHOD_NAMES.length);

    const received: unknown[] = [];
    const off = (api.onEvent as (fn: (event: unknown) => void) => () => void)((event) => received.push(event));
    const registered = [...(listeners.get(EVENT_CHANNEL) ?? [])];
    expect(registered).toHaveLength(1);
    registered[0]!({ sender: 'ipc internals' }, { type: 'project.changed', projectId: 1 });
    expect(received).toEqual([{ type: 'project.changed', projectId: 1 }]);
    off();
    expect(listeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  it('is the only preload and main/electron is the only host folder importing electron', () => {
    const importers: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /from ['"]electron['"]/.test(readFileSync(path, 'utf8'))) importers.push(path);
      }
    };
    const root = join(__dirname, '../..');
    walk(join(root, 'main'));
    walk(join(root, 'preload'));
    const relative = importers.map((p) => p.slice(root.length + 1)).sort();
    expect(relative.every((p) => p.startsWith('main/electron/') || p === 'preload/bridge.ts')).toBe(true);
    expect(relative).toContain('preload/bridge.ts');
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('is looked up beside the app in development and among the resources when packaged, never built on the fly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'studio-native-'));
    try {
      expect(electronSqliteBinding({ appPath: dir, resourcesPath: dir, isPackaged: false })).toBeNull();
      mkdirSync(join(dir, 'node_modules', '.studio-electron'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', '.studio-electron', 'better_sqlite3.node'), '');
      expect(electronSqliteBinding({ appPath: dir, resourcesPath: '/nowhere', isPackaged: false })).toBe(join(dir, 'node_modules', '.studio-electron', 'better_sqlite3.node'));
      expect(electronSqliteBinding({ appPath: dir, resourcesPath: '/nowhere', isPackaged: true })).toBeNull();
      mkdirSync(join(dir, 'native'));
      writeFileSync(join(dir, 'native', 'better_sqlite3.node'), '');
      expect(electronSqliteBinding({ appPath: '/app.asar', resourcesPath: dir, isPackaged: true })).toBe(join(dir, 'native', 'better_sqlite3.node'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
