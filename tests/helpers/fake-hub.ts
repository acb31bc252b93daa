/**
 * A stand-in for the Hugging Face hub on 127.0.0.1, serving model repositories from folders on
 * disk with exactly the routes and headers huggingface_hub 2.x uses over plain HTTP:
 *
 * - GET  /api/models/<repo>[/revision/<rev>]       model_info (sha, siblings with sizes)
 * - GET  /api/models/<repo>/tree/<rev>              list_repo_tree (snapshot_download lists files)
 * - HEAD /<repo>/resolve/<rev>/<file>               ETag, X-Repo-Commit, Content-Length
 * - GET  /<repo>/resolve/<rev>/<file>               the bytes, honouring `Range: bytes=N-`
 *
 * No Xet headers or hashes are ever advertised, so hf_xet stays out of it. Every request is logged
 * (method, path, Range header, status) so a test can check what the client actually asked for.
 * `behave` shapes the GETs: throttle them, stall one file at an offset, or drop its connection once.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

export interface FakeHubRequest {
  method: string;
  path: string;
  range: string | null;
  status: number;
}

export interface FakeHubBehaviour {
  /** Bytes per second for every file body (null: as fast as possible). */
  bytesPerSecond: number | null;
  /** This file's full GET sends `after` bytes and then nothing more, keeping the connection open. */
  stall: { file: string; after: number } | null;
  /** This file's next GET that starts before `after` sends up to `after` bytes and closes the connection (once). */
  dropOnce: { file: string; after: number } | null;
}

export interface FakeHub {
  url: string;
  requests: FakeHubRequest[];
  behave: FakeHubBehaviour;
  /** Body bytes written so far, per file name (all repositories, all requests). */
  sent: Map<string, number>;
  /** The commit sha the hub reports for a repository. */
  sha(repoId: string): string;
  close(): Promise<void>;
}

interface RepoFile {
  name: string;
  size: number;
  sha256: string;
  bytes: Buffer;
}

function loadRepo(dir: string): { sha: string; files: RepoFile[] } {
  const files = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isFile())
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(dir, name));
      return { name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
    });
  const sha = createHash('sha1')
    .update(files.map((f) => `${f.name}:${f.sha256}`).join('\n'))
    .digest('hex');
  return { sha, files };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolveDrained) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolveDrained();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function startFakeHub(repos: Record<string, string>): Promise<FakeHub> {
  const loaded = new Map(Object.entries(repos).map(([id, dir]) => [id, loadRepo(dir)]));
  const requests: FakeHubRequest[] = [];
  const behave: FakeHubBehaviour = { bytesPerSecond: null, stall: null, dropOnce: null };
  const sent = new Map<string, number>();
  const sockets = new Set<Socket>();

  function notFound(res: ServerResponse, code: 'RepoNotFound' | 'EntryNotFound' | 'RevisionNotFound'): number {
    res.writeHead(404, { 'Content-Type': 'application/json', 'X-Error-Code': code, 'X-Error-Message': `${code}` });
    res.end(JSON.stringify({ error: code === 'RepoNotFound' ? 'Repository not found' : `${code}` }));
    return 404;
  }

  function json(res: ServerResponse, body: unknown): number {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
    return 200;
  }

  async function sendBody(req: IncomingMessage, res: ServerResponse, file: RepoFile, start: number, head: Record<string, string | number>): Promise<void> {
    const status = start > 0 ? 206 : 200;
    const headers: Record<string, string | number> = { ...head, 'Content-Length': file.size - start };
    if (start > 0) headers['Content-Range'] = `bytes ${start}-${file.size - 1}/${file.size}`;
    res.writeHead(status, headers);
    const stall = behave.stall?.file === file.name && start === 0 ? behave.stall.after : null;
    const drop = behave.dropOnce?.file === file.name && start < behave.dropOnce.after ? behave.dropOnce.after : null;
    if (drop !== null) behave.dropOnce = null;
    const limit = stall ?? drop ?? file.size;
    for (let at = start; at < limit;) {
      const end = Math.min(limit, at + 32 * 1024);
      const flushed = res.write(file.bytes.subarray(at, end));
      sent.set(file.name, (sent.get(file.name) ?? 0) + end - at);
      if (!flushed) await drained(res);
      if (behave.bytesPerSecond) await sleep((1000 * (end - at)) / behave.bytesPerSecond);
      if (res.destroyed) return;
      at = end;
    }
    if (drop !== null) req.socket.destroy();
    if (stall !== null || drop !== null) return; // stalled: the connection stays open with no more bytes until the client gives up
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'api' && parts[1] === 'models' && req.method === 'GET') {
      const repoId = `${parts[2]}/${parts[3]}`;
      const repo = loaded.get(repoId);
      if (!repo) return notFound(res, 'RepoNotFound');
      const rest = parts.slice(4);
      if (rest.length === 0 || rest[0] === 'revision') {
        return json(res, {
          _id: repo.sha.slice(0, 24),
          id: repoId,
          modelId: repoId,
          sha: repo.sha,
          private: false,
          siblings: repo.files.map((f) => ({ rfilename: f.name, size: f.size, blobId: f.sha256.slice(0, 40) })),
        });
      }
      if (rest[0] === 'tree') {
        return json(
          res,
          repo.files.map((f) => ({ type: 'file', path: f.name, size: f.size, oid: f.sha256.slice(0, 40) })),
        );
      }
      return notFound(res, 'EntryNotFound');
    }
    if (parts[2] === 'resolve' && (req.method === 'HEAD' || req.method === 'GET')) {
      const repo = loaded.get(`${parts[0]}/${parts[1]}`);
      if (!repo) return notFound(res, 'RepoNotFound');
      const revision = parts[3];
      if (revision !== 'main' && revision !== repo.sha) return notFound(res, 'RevisionNotFound');
      const file = repo.files.find((f) => f.name === parts.slice(4).join('/'));
      if (!file) return notFound(res, 'EntryNotFound');
      const head = { ETag: `"${file.sha256}"`, 'X-Repo-Commit': repo.sha, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...head, 'Content-Length': file.size });
        res.end();
        return 200;
      }
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      if (start >= file.size) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.size}` });
        res.end();
        return 416;
      }
      void sendBody(req, res, file, start, head);
      return start > 0 ? 206 : 200;
    }
    res.writeHead(404);
    res.end();
    return 404;
  }

  const server = createServer((req, res) => {
    void handle(req, res).then((status) => {
      requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'http://hub.invalid').pathname, range: req.headers.range ?? null, status });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave,
    sent,
    sha: (repoId) => {
      const repo = loaded.get(repoId);
      if (!repo) throw new Error(`fake hub: no repository ${repoId}`);
      return repo.sha;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
