/**
 * The renderer build's zod (scripts/zod-without-json-schema.ts): bundled with the plugin, zod
 * validates exactly as the real one does (values, defaults, error paths and messages, Standard
 * Schema), only its JSON Schema conversion is gone, and it throws saying so.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'vite';
import { z as realZod } from 'zod';
import { exportedNames, stubSource, zodWithoutJsonSchema } from '../../scripts/zod-without-json-schema';

const ENTRY = 'virtual:zod-entry';

/** Bundles `export { z } from 'zod'` as the renderer would (minified ES), with or without the plugin. */
async function bundleZod(plugins: Plugin[]): Promise<string> {
  const entry: Plugin = {
    name: 'zod-entry',
    resolveId: (id) => (id === ENTRY ? id : null),
    load: (id) => (id === ENTRY ? "export { z } from 'zod';" : null),
  };
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: process.cwd(),
    plugins: [entry, ...plugins],
    build: { write: false, minify: 'esbuild', rollupOptions: { input: ENTRY, output: { format: 'es' }, preserveEntrySignatures: 'strict' } },
  });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => ('output' in result ? result.output : []));
  const chunk = chunks.find((file) => file.type === 'chunk' && file.isEntry);
  if (!chunk || chunk.type !== 'chunk') throw new Error('no entry chunk');
  return chunk.code;
}

let dir: string;
let stubbed: string;
let full: string;
let z: typeof realZod;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'studio-zod-'));
  [stubbed, full] = [await bundleZod([zodWithoutJsonSchema()]), await bundleZod([])];
  writeFileSync(join(dir, 'zod.mjs'), stubbed);
  ({ z } = (await import(pathToFileURL(join(dir, 'zod.mjs')).href)) as { z: typeof realZod });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function schemaOf(zod: typeof realZod) {
  return zod.object({
    id: zod.number().int().positive(),
    name: zod.string().trim().min(1).max(10),
    role: zod.enum(['admin', 'annotator']).default('annotator'),
    tags: zod.array(zod.string()).optional(),
    kind: zod.discriminatedUnion('type', [zod.object({ type: zod.literal('a'), n: zod.number() }), zod.object({ type: zod.literal('b') })]),
    at: zod.string().datetime().nullable(),
  });
}

describe('zod in the renderer bundle', () => {
  it('leaves out the JSON Schema modules', () => {
    console.log(`zod bundled: ${(full.length / 1024).toFixed(1)} KB, without JSON Schema: ${(stubbed.length / 1024).toFixed(1)} KB`);
    expect(full.length - stubbed.length).toBeGreaterThan(10_000);
    for (const text of ['cannot be represented in JSON Schema', 'Error converting schema to JSON.']) {
      expect(full).toContain(text);
      expect(stubbed).not.toContain(text);
    }
  });

  it('parses and rejects exactly as the real zod', () => {
    const inputs: unknown[] = [
      { id: 1, name: '  Ada ', kind: { type: 'a', n: 2 }, at: null },
      { id: 2, name: 'Bo', role: 'admin', tags: ['x'], kind: { type: 'b' }, at: '2026-01-02T03:04:05Z' },
      { id: -1, name: '', kind: { type: 'c' }, at: 'yesterday' },
      { id: 1.5, name: 'a very long name', role: 'owner', tags: [1], kind: { type: 'a' } },
      'not an object',
    ];
    for (const input of inputs) {
      const mine = schemaOf(z).safeParse(input);
      const real = schemaOf(realZod).safeParse(input);
      expect(mine.success).toBe(real.success);
      expect(mine.data).toEqual(real.data);
      expect(mine.error?.issues).toEqual(real.error?.issues);
    }
  });

  it('keeps Standard Schema validation', async () => {
    const result = await z.string().min(2)['~standard'].validate('a');
    expect('issues' in result && result.issues?.[0]?.message).toBe('Too small: expected string to have >=2 characters');
  });

  it('says why toJSONSchema is missing instead of returning something wrong', () => {
    expect(() => z.string().toJSONSchema()).toThrow(/not part of the renderer bundle/);
    expect(() => z.toJSONSchema(z.string())).toThrow(/not part of the renderer bundle/);
  });
});

describe('the stand-in module', () => {
  it('names every export of the real module, and refuses shapes it does not know', () => {
    const body = [
      { type: 'ImportDeclaration' },
      { type: 'ExportNamedDeclaration', declaration: { type: 'FunctionDeclaration', id: { name: 'finalize' } } },
      { type: 'ExportNamedDeclaration', declaration: { type: 'VariableDeclaration', declarations: [{ id: { type: 'Identifier', name: 'createToJSONSchemaMethod' } }] } },
      { type: 'ExportNamedDeclaration', specifiers: [{ exported: { name: 'process' } }] },
    ];
    expect(exportedNames(body, 'x.js')).toEqual(['finalize', 'createToJSONSchemaMethod', 'process']);
    expect(() => exportedNames([{ type: 'ExportAllDeclaration' }], 'x.js')).toThrow(/x\.js: ExportAllDeclaration/);
    const source = stubSource(['finalize', 'createToJSONSchemaMethod']);
    expect(source).toContain('export const finalize = unavailable;');
    expect(source).toContain('export const createToJSONSchemaMethod = factory;');
  });
});
