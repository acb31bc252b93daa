/**
 * A Vite plugin for the renderer build: zod's JSON Schema conversion is left out of the bundle.
 *
 * zod's classic schemas carry a `toJSONSchema()` method and a JSON Schema processor on every
 * instance, so the bundler keeps zod's two JSON Schema modules (about 18 KB minified) although
 * the renderer never converts a schema; validation (parse, safeParse) never touches them. This
 * swaps those two modules for ones with the same export names whose functions throw, saying so.
 * If zod renames or moves them, nothing is swapped and `npm run build` prints the larger chunk.
 */
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

const JSON_SCHEMA_MODULE = /[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema)\.js$/;

const UNAVAILABLE =
  'function unavailable() { throw new Error("zod\'s JSON Schema conversion is not part of the renderer bundle (scripts/zod-without-json-schema.ts); convert schemas in the main process."); }';

interface Node {
  type: string;
  id?: { name?: string } | null;
  declaration?: Node | null;
  declarations?: Array<{ id: { type: string; name?: string } }>;
  specifiers?: Array<{ exported: { name?: string; value?: string } }>;
}

/** Every name a module exports, from its top-level statements; zod's ES build exports nothing else. */
export function exportedNames(body: readonly Node[], file: string): string[] {
  const names: string[] = [];
  for (const statement of body) {
    if (statement.type === 'ExportAllDeclaration' || statement.type === 'ExportDefaultDeclaration') {
      throw new Error(`${file}: ${statement.type} is not expected in zod's JSON Schema module; update scripts/zod-without-json-schema.ts`);
    }
    if (statement.type !== 'ExportNamedDeclaration') continue;
    const declaration = statement.declaration;
    if (declaration?.id?.name) names.push(declaration.id.name);
    for (const declarator of declaration?.declarations ?? []) {
      if (declarator.id.type !== 'Identifier' || !declarator.id.name) throw new Error(`${file}: a destructured export is not expected; update scripts/zod-without-json-schema.ts`);
      names.push(declarator.id.name);
    }
    for (const specifier of statement.specifiers ?? []) names.push(specifier.exported.name ?? String(specifier.exported.value));
  }
  return names;
}

/**
 * The stand-in module: each export is a function that throws when called, except the
 * `create…Method` factories, which zod calls when a schema's `~standard` is first read: they
 * return the throwing function, so Standard Schema validation keeps working.
 */
export function stubSource(names: readonly string[]): string {
  const lines = [UNAVAILABLE, 'const factory = () => unavailable;'];
  for (const name of names) lines.push(`export const ${name} = ${/^create\w*Method$/.test(name) ? 'factory' : 'unavailable'};`);
  return lines.join('\n');
}

export function zodWithoutJsonSchema(): Plugin {
  return {
    name: 'studio:zod-without-json-schema',
    apply: 'build',
    load(id) {
      const file = id.split('?')[0] ?? id;
      if (!JSON_SCHEMA_MODULE.test(file)) return null;
      const ast = this.parse(readFileSync(file, 'utf8')) as unknown as { body: Node[] };
      return stubSource(exportedNames(ast.body, file));
    },
  };
}
