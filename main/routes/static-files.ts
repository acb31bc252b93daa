/**
 * Which file of the built renderer (out/renderer) a path names, for both hosts (renderer.ts).
 * Only regular files inside the root are served: the resolved path must stay inside the root after following symbolic links, directories
 * are never listed, and anything else is 404. Paths without a file extension fall back to
 * index.html so a reload on a client-side route still opens the app.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  path: string;
  size: number;
  type: string;
  /** Vite puts a content hash in every asset's name, so those never change under their URL. */
  immutable: boolean;
}

function inside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + sep);
}

async function regularFile(root: string, candidate: string): Promise<StaticFile | null> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return null;
  }
  if (!inside(root, real)) return null;
  const info = await stat(real);
  if (!info.isFile()) return null;
  const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
  return { path: real, size: info.size, type, immutable: real.startsWith(join(root, 'assets') + sep) };
}

/** The file a URL path names inside `rootDir`, or null (404). */
export async function resolveStatic(rootDir: string, urlPath: string): Promise<StaticFile | null> {
  let root: string;
  try {
    root = await realpath(rootDir);
  } catch {
    return null;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.replace(/^\/+/, '');
  if (relative === '') return regularFile(root, join(root, 'index.html'));
  const candidate = resolve(root, relative);
  if (!inside(root, candidate)) return null;
  const found = await regularFile(root, candidate);
  if (found) return found;
  if (extname(relative) === '') return regularFile(root, join(root, 'index.html'));
  return null;
}
