/**
 * Reads a file as lines of bytes without loading it whole: chunks from a stream, split on \n,
 * a trailing \r dropped. Each line is decoded as strict UTF-8 on its own, so invalid bytes are
 * reported with their line number instead of turning into U+FFFD silently.
 */
import { createReadStream } from 'node:fs';

export type RawLine = { line: number; text: string; bytes: number } | { line: number; text: null; bytes: number; problem: string };

export interface LineReaderOptions {
  /** Longest line accepted, in bytes; a longer line is reported and skipped without being held. */
  maxLineBytes: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

/** The byte offset of the first invalid UTF-8 sequence, for the message. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

export async function* readLines(path: string, options: LineReaderOptions): AsyncGenerator<RawLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  let line = 0;

  const finish = (parts: Buffer[], total: number): RawLine => {
    line += 1;
    if (oversized) {
      oversized = false;
      return { line, text: null, bytes: total, problem: `the line is longer than ${options.maxLineBytes} bytes` };
    }
    let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    if (line === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3); // BOM
    try {
      return { line, text: decoder.decode(bytes), bytes: total };
    } catch {
      return { line, text: null, bytes: total, problem: `invalid UTF-8 at byte ${firstInvalidUtf8(bytes) + 1} of the line` };
    }
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const total = pendingBytes + piece.length;
      if (!oversized && total > options.maxLineBytes) oversized = true;
      const parts = oversized ? [] : pending.length ? [...pending, piece] : [piece];
      yield finish(parts, total);
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length) {
      pendingBytes += rest.length;
      if (pendingBytes > options.maxLineBytes) {
        oversized = true;
        pending = [];
      } else {
        pending.push(rest);
      }
    }
  }
  if (pendingBytes > 0 || oversized) yield finish(pending, pendingBytes);
}
