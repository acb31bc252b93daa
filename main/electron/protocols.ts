/**
 * The two custom schemes of the desktop window, each a thin adapter onto the shared routers
 * (desktop-routes.ts): app://studio/ serves the built renderer (the CSP header on every response,
 * paths kept inside out/renderer), studio-blob://local/ serves stored images, thumbnails and
 * export downloads, through the very routers `studio serve` uses. The renderer never gets
 * file:// access.
 */
import { protocol } from 'electron';
import { BLOB_PROTOCOL } from '../../preload/contract/channels.js';
import { createDesktopRoutes, type DesktopRoutesOptions } from './desktop-routes.js';
import { APP_SCHEME, PRIVILEGED_SCHEMES } from './security.js';

/** Must run before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES.map((entry) => ({ scheme: entry.scheme, privileges: { ...entry.privileges } })));
}

/** Must run once the app is ready. */
export function handleProtocols(options: DesktopRoutesOptions): void {
  const routes = createDesktopRoutes(options);
  protocol.handle(APP_SCHEME, (request) => routes.app.fetch(request));
  protocol.handle(BLOB_PROTOCOL, (request) => routes.blob.fetch(request));
}
