/**
 * A minimal ustar writer, enough to hand a dataset snapshot directory to a browser as one
 * download: regular files and directories, names up to 255 bytes (prefix + name fields), no links,
 * no special files. Entries are sorted so the same snapshot always gives the same bytes, and
 * mtimes are taken from the files so the archive says when the snapshot was written.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';

const BLOCK = 512;

export interface TarEntry {
  /** Path inside the archive, with `/` separators. */
  name: string;
  type: 'file' | 'directory';
  /** Absolute path on disk (files only). */
  source: string;
  size: number;
  mtimeSec: number;
}

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width - 1} octal digits`);
  return digits.padStart(width - 1, '0') + '\0';
}

/** Splits a long name into ustar's prefix (155) and name (100) fields at a `/`. */
function splitName(name: string): { prefix: string; name: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return { prefix, name: rest };
  }
  throw new Error(`tar: the path "${name}" is too long for a ustar archive`);
}

export function header(entry: TarEntry): Buffer {
  const buf = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitName(entry.type === 'directory' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name);
  buf.write(name, 0, 100, 'utf8');
  buf.write(octal(entry.type === 'directory' ? 0o755 : 0o644, 8), 100, 8, 'ascii');
  buf.write(octal(0, 8), 108, 8, 'ascii'); // uid
  buf.write(octal(0, 8), 116, 8, 'ascii'); // gid
  buf.write(octal(entry.type === 'directory' ? 0 : entry.size, 12), 124, 12, 'ascii');
  buf.write(octal(Math.max(0, Math.floor(entry.mtimeSec)), 12), 136, 12, 'ascii');
  buf.write('        ', 148, 8, 'ascii'); // checksum is computed with this field as spaces
  buf.write(entry.type === 'directory' ? '5' : '0', 156, 1, 'ascii');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return buf;
}

/** Every file and directory under `dir`, sorted, named `<top>/<relative path>`. Refuses links. */
export async function collectEntries(dir: string, top: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const rootInfo = await lstat(dir);
  entries.push({ name: top, type: 'directory', source: dir, size: 0, mtimeSec: rootInfo.mtimeMs / 1000 });
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = (await readdir(abs)).sort();
    for (const name of names) {
      const childAbs = join(abs, name);
      const childRel = posix.join(rel, name);
      const info = await lstat(childAbs);
      if (info.isDirectory()) {
        entries.push({ name: childRel, type: 'directory', source: childAbs, size: 0, mtimeSec: info.mtimeMs / 1000 });
        await walk(childAbs, childRel);
      } else if (info.isFile()) {
        entries.push({ name: childRel, type: 'file', source: childAbs, size: info.size, mtimeSec: info.mtimeMs / 1000 });
      } else {
        throw new Error(`tar: ${childRel} is neither a file nor a directory`);
      }
    }
  };
  await walk(dir, top);
  return entries;
}

/** The archive's exact size, for Content-Length. */
export function tarSize(entries: readonly TarEntry[]): number {
  let size = 2 * BLOCK;
  for (const entry of entries) {
    size += BLOCK;
    if (entry.type === 'file') size += Math.ceil(entry.size / BLOCK) * BLOCK;
  }
  return size;
}

async function* chunks(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield header(entry);
    if (entry.type !== 'file') continue;
    let written = 0;
    for await (const chunk of createReadStream(entry.source)) {
      const buf = chunk as Buffer;
      // A file that grew since it was listed would corrupt the archive: stop at the listed size.
      const room = entry.size - written;
      if (room <= 0) break;
      const part = buf.length > room ? buf.subarray(0, room) : buf;
      written += part.length;
      yield part;
    }
    if (written !== entry.size) throw new Error(`tar: ${entry.name} changed size while it was being archived`);
    const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad, 0);
  }
  yield Buffer.alloc(2 * BLOCK, 0);
}

/** A stream of the ustar archive of `entries`. */
export function tarStream(entries: readonly TarEntry[]): Readable {
  return Readable.from(chunks(entries), { objectMode: false });
}
