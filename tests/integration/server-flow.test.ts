/**
 * The labelling workflow end to end through `studio serve`'s HTTP API, as the browser UI drives
 * it: create an annotator and a project, upload a JSONL (with a data-URI image) through
 * beginUpload/uploadFile, import it as a job, label from the queue, fetch the image and its
 * thumbnail, export and download the JSONL and the snapshot archive. Every output is parsed
 * with the method's contract schema (TestServer.call does that).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HTTP } from '../../preload/contract/channels';
import { emptyLabels, type ImportJob } from '../../preload/contract/domain';
import { StudioEvent } from '../../preload/contract/events';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ mode: 'in-process', rendererDir: null });
});

afterAll(async () => {
  await server?.stop();
});

async function download(path: string): Promise<Response> {
  return fetch(`${server.origin}${path}`, { headers: { [HTTP.tokenHeader]: server.token } });
}

/** Reads a ustar archive: name (prefix/name), type and content of each entry. */
function readTar(buf: Buffer): Array<{ name: string; type: string; data: Buffer }> {
  const entries: Array<{ name: string; type: string; data: Buffer }> = [];
  let at = 0;
  while (at + 512 <= buf.length) {
    const header = buf.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (from: number, len: number) =>
      header
        .subarray(from, from + len)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    expect(field(257, 6)).toBe('ustar');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    expect(parseInt(field(148, 8), 8)).toBe(sum);
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12), 8);
    const type = field(156, 1);
    entries.push({ name, type, data: buf.subarray(at + 512, at + 512 + size) });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

describe('labelling through HTTP', () => {
  it('goes from an empty studio to labelled items, images and exports', async () => {
    const events: StudioEvent[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${HTTP.events}`, { headers: { [HTTP.tokenHeader]: server.token } });
    ws.on('message', (data) => events.push(StudioEvent.parse(JSON.parse(String(data)))));
    await new Promise((resolve) => ws.once('open', resolve));

    const info = await server.call('getInfo', {});
    expect(info).toMatchObject({ host: 'server', firstRun: true });
    const annotator = await server.call('createUser', { name: 'Ada', role: 'annotator' });
    const project = await server.call('createProject', { name: 'Flow', description: 'through HTTP' });

    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 10, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    const rows = [
      { id: 'img-1', text: 'What does the sign in this picture say?', image: `data:image/png;base64,${png.toString('base64')}`, expected: 'comply', source: 'flow' },
      ...Array.from({ length: 9 }, (_, i) => ({ id: `t-${i}`, text: `How do I kill a Python process, variant ${i}?`, category: 'privacy', expected: 'comply', source: 'flow' })),
    ];
    const jsonl = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    const { uploadId } = await server.call('beginUpload', {});
    const sent = await server.call('uploadFile', { uploadId, path: 'data/items.jsonl', dataBase64: Buffer.from(jsonl).toString('base64') });
    expect(sent.bytes).toBe(Buffer.byteLength(jsonl));

    let job: ImportJob = await server.call('startImport', { projectId: project.id, uploadId, entry: 'data/items.jsonl' });
    for (let i = 0; i < 200 && (job.status === 'queued' || job.status === 'running'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      job = await server.call('getImportJob', { jobId: job.jobId });
    }
    expect(job.status).toBe('succeeded');
    expect(job.report).toMatchObject({ committed: true, imported: 10, images: 1, errors: [] });
    expect(events.some((e) => e.type === 'import.finished' && e.job.jobId === job.jobId)).toBe(true);

    const listed = await server.call('listItems', { projectId: project.id });
    expect(listed.total).toBe(10);
    const withImage = listed.rows.find((r) => r.externalId === 'img-1');
    expect(withImage?.image).toMatchObject({ mime: 'image/png', width: 64, height: 48 });

    const image = await download(HTTP.blob(withImage!.image!.sha256));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    const thumb = await download(HTTP.thumb(withImage!.image!.sha256));
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    let queue = await server.call('getQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
    expect(queue.items).toHaveLength(3);
    expect(queue.progress).toEqual({ done: 0, remaining: 10, total: 10 });
    const labels = { ...emptyLabels(), harmful: false, expected: 'comply' as const, referenceAnswer: 'Use kill or the task manager.' };
    for (let i = 0; i < 4; i++) {
      const current = queue.items[0]!;
      const submitted = await server.call('submitLabel', { itemId: current.item.id, annotatorId: annotator.id, labels, timeSpentMs: 1200 });
      expect(submitted.annotation).toMatchObject({ itemId: current.item.id, version: 1, status: 'submitted', annotatorName: 'Ada' });
      queue = await server.call('getQueue', { projectId: project.id, annotatorId: annotator.id, count: 3 });
      expect(queue.items.map((d) => d.item.id)).not.toContain(current.item.id);
    }
    expect(queue.progress).toEqual({ done: 4, remaining: 6, total: 10 });

    const undone = await server.call('undoLastSubmit', { projectId: project.id, annotatorId: annotator.id });
    expect(undone.progress.done).toBe(3);
    expect(undone.labels).toEqual(labels);

    const summary = (await server.call('listProjects', {})).find((p) => p.id === project.id);
    expect(summary).toMatchObject({ itemCount: 10, imageCount: 1, labelledCount: 3 });

    const stats = await server.call('getStats', { projectId: project.id });
    expect(stats).toMatchObject({ items: 10, images: 1, labelledItems: 3 });

    const jsonlExport = await server.call('exportProject', { projectId: project.id, format: 'jsonl' });
    expect(jsonlExport).toMatchObject({ format: 'jsonl', items: 10, images: 1 });
    const file = await download(HTTP.exportDownload(jsonlExport.exportId));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${jsonlExport.exportId}.tar"`);
    const jsonlEntries = readTar(Buffer.from(await file.arrayBuffer()));
    const itemsFile = jsonlEntries.find((e) => e.name === `${jsonlExport.exportId}/items.jsonl`)!;
    const exported = itemsFile.data
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(exported.map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(jsonlEntries.filter((e) => e.name.startsWith(`${jsonlExport.exportId}/images/`) && e.type === '0')).toHaveLength(1);

    const snapshot = await server.call('exportProject', { projectId: project.id, format: 'snapshot' });
    const archive = await download(HTTP.exportDownload(snapshot.exportId));
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('application/x-tar');
    const tarBytes = Buffer.from(await archive.arrayBuffer());
    expect(Number(archive.headers.get('content-length'))).toBe(tarBytes.length);
    const entries = readTar(tarBytes);
    const names = entries.map((e) => e.name);
    expect(names[0]).toBe(`${snapshot.exportId}/`);
    expect(names).toContain(`${snapshot.exportId}/manifest.json`);
    expect(names).toContain(`${snapshot.exportId}/items.jsonl`);
    expect(names.filter((n) => n.startsWith(`${snapshot.exportId}/images/`) && !n.endsWith('/'))).toHaveLength(1);
    const manifest = JSON.parse(entries.find((e) => e.name.endsWith('/manifest.json'))!.data.toString('utf8')) as Record<string, unknown>;
    expect(JSON.stringify(manifest)).toContain(snapshot.sha256);

    // The archive is a real ustar file: the system's tar lists the same entries.
    const dir = mkdtempSync(join(tmpdir(), 'studio-tar-'));
    try {
      writeFileSync(join(dir, 'snapshot.tar'), tarBytes);
      const listing = spawnSync('tar', ['-tf', join(dir, 'snapshot.tar')], { encoding: 'utf8' });
      if (listing.status === 0) expect(listing.stdout.trim().split('\n')).toEqual(names);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    expect((await download(HTTP.exportDownload('no-such-export'))).status).toBe(404);
    expect((await download('/exports/..%2f..%2fstudio.db')).status).toBe(400);
    ws.close();
  });
});
