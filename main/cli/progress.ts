/**
 * A one-line progress bar on stderr, drawn only on a terminal and at most ten times a second, so
 * piped output and logs stay clean.
 */
import type { CliIo } from './io.js';

const WIDTH = 30;
const INTERVAL_MS = 100;

export interface ProgressBar {
  update(label: string, done: number, total: number | null): void;
  finish(): void;
}

export function progressBar(io: CliIo): ProgressBar {
  if (!io.isTTY) return { update: () => undefined, finish: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(label, done, total) {
      const now = Date.now();
      if (now - last < INTERVAL_MS) return;
      last = now;
      let line: string;
      if (total && total > 0) {
        const ratio = Math.min(1, done / total);
        const filled = Math.round(ratio * WIDTH);
        line = `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
      } else {
        line = `${label} ${done.toLocaleString('en')}`;
      }
      io.stderr(`\r${line.padEnd(80).slice(0, 100)}`);
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr(`\r${' '.repeat(100)}\r`);
    },
  };
}
