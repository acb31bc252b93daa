/**
 * The server bridge's in-memory bodies (main/server/lazy-body.ts) behave as the standard Request
 * and Response do for every reader: the same bytes through text, JSON, bytes and the stream, one
 * read only, clones, and headers and status of the base class.
 */
import { describe, expect, it } from 'vitest';
import { BufferedRequest, JsonResponse } from '../../main/server/lazy-body';

const TEXT = JSON.stringify({ name: 'Ada', note: 'é ✓' });

const request = () => new BufferedRequest('http://127.0.0.1:1/api/x', { method: 'POST', headers: new Headers({ 'content-type': 'application/json' }) }, Buffer.from(TEXT));
const response = () => new JsonResponse(TEXT, { status: 201, headers: { 'Content-Type': 'application/json' } });

describe.each([
  ['BufferedRequest', request, Request],
  ['JsonResponse', response, Response],
] as const)('%s', (_name, make, Base) => {
  it('is a real instance of its base, with its headers', () => {
    const made = make();
    expect(made).toBeInstanceOf(Base);
    expect(made.headers.get('content-type')).toBe('application/json');
    expect(made.bodyUsed).toBe(false);
  });

  it('reads the same bytes as text, JSON, an ArrayBuffer, bytes, a blob and the stream', async () => {
    expect(await make().text()).toBe(TEXT);
    expect(await make().json()).toEqual(JSON.parse(TEXT));
    expect(Buffer.from(await make().arrayBuffer()).toString('utf8')).toBe(TEXT);
    expect(await (await make().blob()).text()).toBe(TEXT);
    expect(await new Response(make().body).text()).toBe(TEXT);
    expect(await make().clone().text()).toBe(TEXT);
  });

  it('reads once, as the standard says, whichever way it was read first', async () => {
    const fromMemory = make();
    await fromMemory.text();
    expect(fromMemory.bodyUsed).toBe(true);
    await expect(fromMemory.arrayBuffer()).rejects.toThrow(TypeError);
    const fromStream = make();
    await new Response(fromStream.body).text();
    expect(fromStream.bodyUsed).toBe(true);
    await expect(fromStream.text()).rejects.toThrow(TypeError);
  });
});

it('keeps the status and the text the bridge writes', () => {
  const made = response();
  expect(made.status).toBe(201);
  expect(made.bodyText).toBe(TEXT);
});
