/** The CSV reader and the line splitter under the importer: RFC 4180 details and byte-level edge cases. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvRecordReader } from '../../main/core/import/csv.js';
import { readLines } from '../../main/core/import/lines.js';
import { makeTempDir, type TempDir } from '../helpers/tempdir.js';

function parse(lines: string[]) {
  const reader = new CsvRecordReader();
  const out: unknown[] = [];
  lines.forEach((text, i) => {
    const step = reader.push(text, i + 1);
    if (step) out.push('record' in step ? step.record : step.error);
  });
  const end = reader.end();
  if (end) out.push('error' in end ? end.error : end.record);
  return out;
}

describe('CsvRecordReader', () => {
  it('splits fields, unquotes, undoubles quotes and joins quoted line breaks', () => {
    expect(parse(['a,"b,c","say ""hi""",', '"multi', 'line",x,,'])).toEqual([
      { line: 1, fields: ['a', 'b,c', 'say "hi"', ''] },
      { line: 2, fields: ['multi\nline', 'x', '', ''] },
    ]);
  });

  it('reports stray quotes and an unclosed quote with the line they start on', () => {
    expect(parse(['ab"c,d'])).toEqual([{ line: 1, message: 'a quote in the middle of an unquoted field (quote the whole field and double the quote)' }]);
    expect(parse(['"a"b,c'])).toEqual([{ line: 1, message: 'unexpected character "b" after a closing quote (a quote inside a quoted field must be doubled)' }]);
    expect(parse(['x,"open', 'still open'])).toEqual([{ line: 1, message: 'a quoted field is never closed' }]);
  });
});

describe('readLines', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.cleanup());

  async function lines(bytes: Buffer, maxLineBytes = 1000) {
    const file = join(dir.path, 'f');
    writeFileSync(file, bytes);
    const out = [];
    for await (const l of readLines(file, { maxLineBytes })) out.push(l.text ?? `! ${'problem' in l ? l.problem : ''}`);
    return out;
  }

  it('drops a BOM and CR before LF, keeps a last line without newline', async () => {
    expect(await lines(Buffer.from('\ufeffone\r\ntwo\n\nthree'))).toEqual(['one', 'two', '', 'three']);
  });

  it('reports invalid UTF-8 and over-long lines without holding them', async () => {
    const bad = Buffer.concat([Buffer.from('ok\nab'), Buffer.from([0xc3, 0x28]), Buffer.from('\n'), Buffer.from('x'.repeat(50)), Buffer.from('\nend\n')]);
    expect(await lines(bad, 20)).toEqual(['ok', '! invalid UTF-8 at byte 3 of the line', '! the line is longer than 20 bytes', 'end']);
  });

  it('keeps multi-byte characters split across read chunks intact', async () => {
    const text = `${'é'.repeat(700_000)}\nnext`;
    const out = await lines(Buffer.from(text), 10_000_000);
    expect(out[0]!.length).toBe(700_000);
    expect(out[1]).toBe('next');
  });
});
