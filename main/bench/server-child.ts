/**
 * The server side of the benchmark: a separate process running the real `studio serve` host
 * (openStudio + startServer) on 127.0.0.1 over a temp data dir, so the memory figures are the
 * server's own. It reports its URL and, when asked over the fork IPC channel, its memory.
 */
import { createLogger } from '../core/logger.js';
import { openStudio } from '../core/studio.js';
import { startServer } from '../server/server.js';

export type ChildMessage = { type: 'ready'; origin: string; token: string; pid: number } | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number };

export type ParentMessage = { type: 'memory' } | { type: 'stop' };

function send(message: ChildMessage): void {
  process.send?.(message);
}

export async function runServerChild(dataDir: string): Promise<void> {
  const log = createLogger({ level: 'warn' });
  const core = await openStudio({ dataDir, host: 'server', version: 'bench', log });
  const server = await startServer({ core, rendererDir: null, log });
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const usage = process.memoryUsage();
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external });
    } else if (message.type === 'stop') {
      void server.close().then(() => {
        core.close();
        process.disconnect?.();
      });
    }
  });
  send({ type: 'ready', origin: server.origin, token: server.token, pid: process.pid });
}
