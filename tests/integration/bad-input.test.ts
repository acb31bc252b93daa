/**
 * Every kind of bad input gets a message naming the file, line and field, and changes nothing:
 * the item count and the blob rows stay as they were (all-or-nothing import).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProblem, ImportReport } from '../../preload/contract/domain.js';
import { importPath } from '../../main/core/import/index.js';
import { useTempCore } from '../helpers/core.js';
import { pngHeader } from '../helpers/images.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

const FIGSTEP = join(__dirname, '../../demo-data/figstep-sample');
const t = useTempCore();
let dir: TempDir;
let projectId: number;

function state() {
  const db = t().core.context.db.read;
  return {
    items: db.prepare<{ n: number }>('SELECT count(*) AS n FROM item').get()!.n,
    blobs: db
      .prepare<{ sha256: string }>('SELECT sha256 FROM blob ORDER BY sha256')
      .all()
      .map((r) => r.sha256),
    batches: db.prepare<{ n: number }>('SELECT count(*) AS n FROM import_batch').get()!.n,
  };
}

function jsonl(...rows: (object | string)[]): string {
  return rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
}

/** Imports `file` (inside the temp folder) and checks that nothing changed. */
async function refused(file: string): Promise<ImportReport> {
  const before = state();
  const report = await importPath(t().core.context, { projectId, path: join(dir.path, file) });
  expect(report.committed).toBe(false);
  expect(report.imported).toBe(0);
  expect(state()).toEqual(before);
  // Each problem on a line carries that line's text (import-preview.test.ts checks it); these
  // tests compare the rest exactly.
  return { ...report, errors: report.errors.map(withoutExcerpt) };
}

function withoutExcerpt(problem: ImportProblem): ImportProblem {
  const copy = { ...problem };
  delete copy.excerpt;
  return copy;
}

beforeEach(async () => {
  dir = makeTempDir();
  projectId = (await t().call('createProject', { name: 'Bad input' })).id;
  // Start from a project that already has items and images, so "unchanged" means something.
  await importPath(t().core.context, { projectId, path: FIGSTEP });
  expect(state()).toMatchObject({ items: 40 });
});
afterEach(() => dir.cleanup());

describe('bad input is refused precisely and changes nothing', () => {
  it('a malformed JSONL line', async () => {
    writeFileSync(join(dir.path, 'bad.jsonl'), jsonl({ id: 'a', text: 'fine' }, '{"id": "b", "text": "cut', { id: 'c', text: 'fine too' }));
    const report = await refused('bad.jsonl');
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ file: 'bad.jsonl', line: 2, field: null });
    expect(report.errors[0]!.message).toMatch(/^not valid JSON: /);
  });

  it('a line that is JSON but not an object', async () => {
    writeFileSync(join(dir.path, 'list.jsonl'), jsonl({ id: 'a', text: 'fine' }, '["a", "b"]'));
    expect((await refused('list.jsonl')).errors).toEqual([{ file: 'list.jsonl', line: 2, field: null, message: 'each line must be one JSON object ({...})' }]);
  });

  it('a CSV with a missing required column names the column', async () => {
    writeFileSync(join(dir.path, 'items.csv'), 'id,prompt,category\n1,hello,x\n');
    expect((await refused('items.csv')).errors).toEqual([{ file: 'items.csv', line: 1, field: 'text', message: 'the header row has no "text" column (required: id, text)' }]);
  });

  it('a CSV row with the wrong number of fields, and an unclosed quote', async () => {
    writeFileSync(join(dir.path, 'rows.csv'), 'id,text\n1,hello\n2,hello,again\n3,"never closed\n');
    expect((await refused('rows.csv')).errors).toEqual([
      { file: 'rows.csv', line: 3, field: null, message: 'the row has 3 fields but the header has 2 columns' },
      { file: 'rows.csv', line: 4, field: null, message: 'not valid CSV: a quoted field is never closed' },
    ]);
  });

  it('a missing image file', async () => {
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'a', text: 'look', image: 'images/missing.png' }));
    expect((await refused('items.jsonl')).errors).toEqual([{ file: 'items.jsonl', line: 1, field: 'image', message: 'image images/missing.png does not exist in the imported folder' }]);
  });

  it('image paths escaping the import folder: "..", absolute, and a symlink pointing out', async () => {
    const inner = join(dir.path, 'inner');
    mkdirSync(inner);
    const outside = join(dir.path, 'outside.png');
    writeFileSync(
      outside,
      await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
        .png()
        .toBuffer(),
    );
    symlinkSync(outside, join(inner, 'link.png'));
    writeFileSync(join(inner, 'items.jsonl'), jsonl({ id: 'a', text: 'one', image: '../outside.png' }, { id: 'b', text: 'two', image: outside }, { id: 'c', text: 'three', image: 'link.png' }));
    expect((await refused('inner')).errors).toEqual([
      { file: 'items.jsonl', line: 1, field: 'image', message: 'image path "../outside.png" goes up with ".." and could leave the imported folder' },
      { file: 'items.jsonl', line: 2, field: 'image', message: `image path "${outside}" is an absolute path; use a path relative to the imported folder` },
      { file: 'items.jsonl', line: 3, field: 'image', message: 'image link.png is a symbolic link pointing outside the imported folder' },
    ]);
  });

  it('a text file named .png', async () => {
    writeFileSync(join(dir.path, 'notes.png'), 'remember: label the knives carefully\n');
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'a', text: 'what is this?', image: 'notes.png' }));
    expect((await refused('items.jsonl')).errors).toEqual([{ file: 'items.jsonl', line: 1, field: 'image', message: 'notes.png is not an image: its bytes are text' }]);
  });

  it('a 30000x30000 PNG header (decompression bomb) is refused from its header', async () => {
    writeFileSync(join(dir.path, 'bomb.png'), pngHeader(30000, 30000));
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'a', text: 'harmless?', image: 'bomb.png' }));
    expect((await refused('items.jsonl')).errors).toEqual([
      { file: 'items.jsonl', line: 1, field: 'image', message: 'bomb.png is 30000x30000 pixels (900.0 megapixels), above the limit of 50.0 megapixels' },
    ]);
  });

  it('invalid UTF-8', async () => {
    const good = Buffer.from(jsonl({ id: 'a', text: 'fine' }));
    const bad = Buffer.concat([Buffer.from('{"id": "b", "text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n')]);
    writeFileSync(join(dir.path, 'latin1.jsonl'), Buffer.concat([good, bad]));
    expect((await refused('latin1.jsonl')).errors).toEqual([{ file: 'latin1.jsonl', line: 2, field: null, message: 'invalid UTF-8 at byte 25 of the line' }]);
  });

  it('duplicate ids with different prompts, in the file and against the project', async () => {
    writeFileSync(
      join(dir.path, 'ids.jsonl'),
      jsonl({ id: 'x1', text: 'first' }, { id: 'x2', text: 'second' }, { id: 'x1', text: 'a different prompt' }, { id: 'figstep-1-11-text', text: 'also different' }),
    );
    expect((await refused('ids.jsonl')).errors).toEqual([
      { file: 'ids.jsonl', line: 3, field: 'id', message: 'id "x1" is already used on line 1 for a different prompt' },
      { file: 'ids.jsonl', line: 4, field: 'id', message: 'id "figstep-1-11-text" is already used in this project by a different prompt' },
    ]);
  });

  it('a 1 MB prompt (the limit is 100 KB of UTF-8)', async () => {
    writeFileSync(join(dir.path, 'long.jsonl'), jsonl({ id: 'ok', text: 'short' }, { id: 'long', text: 'a'.repeat(1024 * 1024) }));
    expect((await refused('long.jsonl')).errors).toEqual([{ file: 'long.jsonl', line: 2, field: 'text', message: 'the prompt is 1,048,576 bytes; the limit is 102,400 bytes (100 KB)' }]);
  });

  it('an empty file (JSONL and CSV)', async () => {
    writeFileSync(join(dir.path, 'empty.jsonl'), '');
    expect((await refused('empty.jsonl')).errors).toEqual([{ file: 'empty.jsonl', line: null, field: null, message: 'empty.jsonl is empty: it has no items to import' }]);
    writeFileSync(join(dir.path, 'blank.jsonl'), '\n\n  \n');
    expect((await refused('blank.jsonl')).errors).toEqual([{ file: 'blank.jsonl', line: null, field: null, message: 'blank.jsonl is empty: it has no items to import' }]);
    writeFileSync(join(dir.path, 'empty.csv'), '');
    expect((await refused('empty.csv')).errors).toEqual([{ file: 'empty.csv', line: null, field: null, message: 'empty.csv is empty: it has no header row and no items' }]);
  });

  it('wrong field types and values name each field', async () => {
    writeFileSync(
      join(dir.path, 'fields.jsonl'),
      jsonl(
        { text: 'no id' },
        { id: 'b', text: 42 },
        { id: 'c', text: 'x', split: 'training' },
        { id: 'd', text: 'x', tags: 'a', sensitive: 'maybe' },
        { id: 'e', text: 'x', image: 'https://example.com/a.png' },
      ),
    );
    const errors = (await refused('fields.jsonl')).errors.map((e) => [e.line, e.field]);
    expect(errors).toEqual([
      [1, 'id'],
      [2, 'text'],
      [3, 'split'],
      [4, 'sensitive'],
      [5, 'image'],
    ]);
  });

  it('a folder without an items file, and a file of another type', async () => {
    mkdirSync(join(dir.path, 'pics'));
    expect((await refused('pics')).errors).toEqual([{ file: 'pics', line: null, field: null, message: 'the folder pics has no items.jsonl (or other .jsonl / .csv) describing its images' }]);
    writeFileSync(join(dir.path, 'items.txt'), 'hello');
    expect((await refused('items.txt')).errors).toEqual([{ file: 'items.txt', line: null, field: null, message: 'items.txt is not a .jsonl or .csv file' }]);
  });

  it('JSON nested more than 64 levels, up to a depth that would break the stack, names the line and field', async () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    for (const depth of [65, 1001, 100_000]) {
      const file = `deep-${depth}.jsonl`;
      writeFileSync(join(dir.path, file), jsonl({ id: 'a', text: 'fine' }, `{"id": "deep", "text": "x", "meta": {"inner": ${nested(depth - 1)}}}`));
      expect((await refused(file)).errors, file).toEqual([{ file, line: 2, field: 'meta', message: 'nested more than 64 levels' }]);
    }
    // 64 levels are kept as they are, and exported back.
    writeFileSync(join(dir.path, 'deep-64.jsonl'), jsonl(`{"id": "deep", "text": "sixty-four", "meta": {"inner": ${nested(63)}}}`));
    const report = await importPath(t().core.context, { projectId, path: join(dir.path, 'deep-64.jsonl') });
    expect(report).toMatchObject({ committed: true, imported: 1, errors: [] });
    const row = (await t().call('listItems', { projectId, filter: { status: 'all', search: 'sixty-four' } })).rows[0]!;
    const item = await t().call('getItem', { itemId: row.id });
    expect(JSON.stringify(item.item.extra)).toBe(`{"meta":{"inner":${nested(63)}}}`);
  });

  it('a NUL character in an id', async () => {
    writeFileSync(join(dir.path, 'nul.jsonl'), jsonl({ id: 'fine', text: 'one' }, '{"id": "a\\u0000b", "text": "two"}'));
    expect((await refused('nul.jsonl')).errors).toEqual([{ file: 'nul.jsonl', line: 2, field: 'id', message: 'the id contains a NUL character' }]);
  });

  it('a "__proto__" key (which JavaScript objects would drop silently) is refused, at the top and nested, in JSONL and CSV', async () => {
    writeFileSync(
      join(dir.path, 'proto.jsonl'),
      jsonl(
        { id: 'fine', text: 'one' },
        '{"id": "p1", "text": "two", "__proto__": {"polluted": true}}',
        '{"id": "p2", "text": "three", "meta": {"list": [{"__proto__": 1}]}}',
        '{"id": "p3", "text": "four", "source_labels": {"__proto__": "x"}}',
      ),
    );
    const message = 'a key named "__proto__" cannot be stored (JavaScript objects drop it); rename it';
    expect((await refused('proto.jsonl')).errors).toEqual([
      { file: 'proto.jsonl', line: 2, field: '__proto__', message },
      { file: 'proto.jsonl', line: 3, field: 'meta', message: `${message} (at meta.list[0].__proto__)` },
      { file: 'proto.jsonl', line: 4, field: 'source_labels', message: `${message} (at source_labels.__proto__)` },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    writeFileSync(join(dir.path, 'proto.csv'), 'id,text,__proto__\n1,hello,x\n');
    expect((await refused('proto.csv')).errors).toEqual([{ file: 'proto.csv', line: 1, field: '__proto__', message }]);
  });

  it('damaged images are decoded at import and refused with the file and the reason', async () => {
    // Noise compresses badly, so the pixel data is most of the file and a cut lands inside it.
    const noise = Buffer.alloc(96 * 64 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const raw = () => sharp(noise, { raw: { width: 96, height: 64, channels: 3 } });
    const png = await raw().png().toBuffer();
    const jpeg = await raw().jpeg().toBuffer();
    const hugeChunk = Buffer.from(png);
    hugeChunk.writeUInt32BE(0xfffffff0, 33); // the chunk after IHDR claims 4 GB
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    expect(sos).toBeGreaterThan(0);
    const files: Record<string, Buffer> = {
      'truncated.png': png.subarray(0, Math.floor(png.length / 2)),
      'header-only.png': pngHeader(96, 64),
      'huge-chunk.png': hugeChunk,
      'header-only.jpg': jpeg.subarray(0, sos),
      'truncated.jpg': jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir.path, name), bytes);
    writeFileSync(join(dir.path, 'fine.png'), png);
    const names = Object.keys(files);
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'fine', text: 'a good image', image: 'fine.png' }, ...names.map((name) => ({ id: name, text: `look at ${name}`, image: name }))));
    const errors = (await refused('items.jsonl')).errors;
    expect(errors.map((e) => [e.file, e.line, e.field])).toEqual(names.map((_, i) => ['items.jsonl', i + 2, 'image']));
    errors.forEach((error, i) => {
      const name = names[i]!;
      const format = name.endsWith('.png') ? 'PNG' : 'JPEG';
      expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is a damaged ${format} that cannot be decoded: \\S`));
      expect(error.message).not.toContain('\n');
    });
  });

  it('stores the size a viewer shows: a JPEG with EXIF orientation 6 has its width and height swapped', async () => {
    const rotated = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#36c' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    writeFileSync(join(dir.path, 'rotated.jpg'), rotated);
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'r', text: 'a phone photo held upright', image: 'rotated.jpg' }));
    const report = await importPath(t().core.context, { projectId, path: join(dir.path, 'items.jsonl') });
    expect(report).toMatchObject({ committed: true, imported: 1, errors: [] });
    const row = (await t().call('listItems', { projectId, filter: { status: 'all', search: 'held upright' } })).rows[0]!;
    expect(row.image).toMatchObject({ mime: 'image/jpeg', width: 20, height: 40 });
  });

  it('PNG bytes named .jpeg are accepted and stored as PNG, with a notice', async () => {
    writeFileSync(
      join(dir.path, 'photo.jpeg'),
      await sharp({ create: { width: 5, height: 6, channels: 3, background: '#0a0' } })
        .png()
        .toBuffer(),
    );
    writeFileSync(join(dir.path, 'items.jsonl'), jsonl({ id: 'p', text: 'what is in the photo?', image: 'photo.jpeg' }));
    const report = await importPath(t().core.context, { projectId, path: join(dir.path, 'items.jsonl') });
    expect(report).toMatchObject({ committed: true, imported: 1, images: 1, errors: [] });
    expect(report.notices).toEqual([{ file: 'items.jsonl', line: 1, field: 'image', message: 'photo.jpeg is named like a JPEG but its bytes are PNG; stored as PNG' }]);
    const row = (await t().call('listItems', { projectId, filter: { status: 'all', search: 'in the photo' } })).rows[0]!;
    expect(row.image).toMatchObject({ mime: 'image/png', width: 5, height: 6 });
  });
});
