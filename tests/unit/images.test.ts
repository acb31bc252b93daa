import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../main/core/blobs/store.js';
import { acceptImage, ensureThumbnail, ImageRejected, renderThumbnail, sniffImage, thumbnailPath } from '../../main/core/images/index.js';
import { pngHeader } from '../helpers/images.js';

async function render(width: number, height: number, format: 'png' | 'jpeg' | 'gif' | 'webp', options: object = {}): Promise<Buffer> {
  const base = sharp({ create: { width, height, channels: 4, background: { r: 200, g: 40, b: 90, alpha: 0.5 } } });
  return base.toFormat(format, options).toBuffer();
}

describe('sniffImage reads the real format and size from headers', () => {
  it.each([
    ['png', {}],
    ['jpeg', {}],
    ['gif', {}],
    ['webp', { lossless: false }],
    ['webp', { lossless: true }],
  ] as const)('%s %o', async (format, options) => {
    const bytes = await render(123, 45, format, options);
    const info = sniffImage(bytes, `x.${format}`);
    expect(info.width).toBe(123);
    expect(info.height).toBe(45);
    expect(info.mime).toBe(`image/${format}`);
  });

  it('reads a lossy WebP with alpha (the extended VP8X header)', async () => {
    const bytes = await sharp({ create: { width: 301, height: 7, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.3 } } })
      .webp({ lossless: false, alphaQuality: 50 })
      .toBuffer();
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('VP8X');
    expect(sniffImage(bytes)).toEqual({ mime: 'image/webp', width: 301, height: 7 });
  });

  it('reads a progressive JPEG with EXIF before the frame header', async () => {
    const bytes = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#336699' } })
      .withMetadata({ exif: { IFD0: { Copyright: 'test' } } })
      .jpeg({ progressive: true })
      .toBuffer();
    expect(sniffImage(bytes)).toEqual({ mime: 'image/jpeg', width: 640, height: 480 });
  });

  it('refuses text, naming the file and saying what the bytes are', () => {
    expect(() => sniffImage(Buffer.from('remember to buy milk\n'), 'notes.png')).toThrow('notes.png is not an image: its bytes are text');
    expect(() => sniffImage(Buffer.from('%PDF-1.7\n...'), 'scan.png')).toThrow('scan.png is not an image: its bytes are a PDF document');
    expect(() => sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.png')).toThrow(/SVG drawing/);
    expect(() => sniffImage(Buffer.alloc(0), 'e.png')).toThrow('e.png is not an image: the file is empty');
    expect(() => sniffImage(Buffer.from([0, 1, 2, 3, 250, 251, 252]), 'b.gif')).toThrow('b.gif is not an image: its bytes are not PNG, JPEG, WebP or GIF');
  });

  it('refuses a truncated PNG and a JPEG without a frame header', () => {
    expect(() => sniffImage(pngHeader(10, 10).subarray(0, 16), 't.png')).toThrow(ImageRejected);
    expect(() => sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6]), 't.jpg')).toThrow(/no frame header/);
  });
});

describe('acceptImage applies the byte and pixel limits before any decoding', () => {
  it('refuses a 30000x30000 PNG header (a decompression bomb) by its header alone', () => {
    expect(() => acceptImage(pngHeader(30000, 30000), 'bomb.png')).toThrow('bomb.png is 30000x30000 pixels (900.0 megapixels), above the limit of 50.0 megapixels');
  });

  it('takes a configurable pixel and byte limit', () => {
    expect(() => acceptImage(pngHeader(101, 100), 'p.png', { maxBytes: 1000, maxPixels: 10_000 })).toThrow('p.png is 101x100 pixels (10,100 pixels), above the limit of 10,000 pixels');
    expect(acceptImage(pngHeader(100, 100), 'p.png', { maxBytes: 1000, maxPixels: 10_000 }).width).toBe(100);
    expect(() => acceptImage(pngHeader(10, 10), 'p.png', { maxBytes: 20, maxPixels: 10_000 })).toThrow(/above the .* image limit/);
  });

  it('accepts PNG bytes named .jpeg with a notice, reporting the real format', async () => {
    const accepted = acceptImage(await render(8, 8, 'png'), 'photo.jpeg');
    expect(accepted.mime).toBe('image/png');
    expect(accepted.notices).toEqual(['photo.jpeg is named like a JPEG but its bytes are PNG; stored as PNG']);
  });
});

describe('thumbnails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thumbs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a WebP inside the size and caches it by source hash and size', async () => {
    const blobs = new BlobStore(join(dir, 'blobs'));
    const { sha256 } = await blobs.put(await render(1000, 500, 'png'));
    const path = await ensureThumbnail(blobs, sha256, 256);
    expect(path).toBe(thumbnailPath(blobs, sha256, 256));
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 128]);
    expect(await ensureThumbnail(blobs, sha256, 256)).toBe(path);
  });

  it('refuses to decode above the pixel limit', async () => {
    await expect(renderThumbnail(await render(300, 300, 'png'), 128, 10_000)).rejects.toThrow(/pixel limit/i);
  });
});
