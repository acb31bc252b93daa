/** The path checks every outside path (upload names, import image references) goes through. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInside, normaliseRelativePath } from '../../main/core/uploads/relative-path';

describe('normaliseRelativePath', () => {
  it('normalises slashes and dot segments, refuses what could leave the folder', () => {
    expect(normaliseRelativePath('images\\a.png')).toEqual({ ok: true, path: 'images/a.png' });
    expect(normaliseRelativePath('./images//./a.png')).toEqual({ ok: true, path: 'images/a.png' });
    expect(normaliseRelativePath('..hidden.png')).toEqual({ ok: true, path: '..hidden.png' });
    expect(normaliseRelativePath('images/../../a.png')).toMatchObject({ ok: false, reason: 'goes up with ".." and could leave the imported folder' });
    expect(normaliseRelativePath('/etc/passwd')).toMatchObject({ ok: false });
    expect(normaliseRelativePath('C:/Windows/a.png')).toMatchObject({ ok: false });
    expect(normaliseRelativePath('\\\\server\\share\\a.png')).toMatchObject({ ok: false });
    expect(normaliseRelativePath('a\0.png')).toMatchObject({ ok: false, reason: 'contains a NUL character' });
    expect(normaliseRelativePath('./')).toMatchObject({ ok: false, reason: 'is empty' });
  });
});

describe('isInside', () => {
  const root = join('/data', 'import');
  it('is true for the root and anything below it', () => {
    expect(isInside(root, root)).toBe(true);
    expect(isInside(root, join(root, 'a.png'))).toBe(true);
    expect(isInside(root, join(root, 'images', 'a.png'))).toBe(true);
  });
  it('is true for names that merely start with two dots', () => {
    expect(isInside(root, join(root, '..hidden.png'))).toBe(true);
    expect(isInside(root, join(root, '...', 'a.png'))).toBe(true);
  });
  it('is false for the parent, siblings and other trees', () => {
    expect(isInside(root, '/data')).toBe(false);
    expect(isInside(root, join('/data', 'import-other', 'a.png'))).toBe(false);
    expect(isInside(root, join('/data', 'a.png'))).toBe(false);
    expect(isInside(root, '/etc/passwd')).toBe(false);
  });
});
