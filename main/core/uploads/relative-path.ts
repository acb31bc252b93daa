/**
 * Relative paths that come from outside (an upload's file names, an import row's image
 * reference) are normalised here and refused when they could leave their folder.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';

export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Normalises a relative path to forward slashes without `.` segments. Refuses NUL and other
 * control characters, absolute paths (POSIX, Windows drive or UNC), `..` segments and empty paths.
 */
export function normaliseRelativePath(raw: string): PathCheck {
  if (raw.includes('\0')) return { ok: false, reason: 'contains a NUL character' };
  if (/[\x01-\x1f\x7f]/.test(raw)) return { ok: false, reason: 'contains a control character' };
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || isAbsolute(raw)) {
    return { ok: false, reason: 'is an absolute path; use a path relative to the imported folder' };
  }
  const parts: string[] = [];
  for (const part of slashed.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return { ok: false, reason: 'goes up with ".." and could leave the imported folder' };
    parts.push(part);
  }
  if (parts.length === 0) return { ok: false, reason: 'is empty' };
  return { ok: true, path: parts.join('/') };
}

/**
 * True when `target` is `root` itself or inside it (lexically, after resolving both). Only a
 * first segment that is exactly `..` leaves the root: a file called `..notes.png` is inside.
 */
export function isInside(root: string, target: string): boolean {
  const rel = relative(resolve(root), resolve(target));
  return rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
}
