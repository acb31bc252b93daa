/**
 * Finds the studio's own files: the package root holds package.json (the version), out/renderer
 * (the UI `studio serve` hands out) and demo-data/ (the public samples of the demo project).
 * The CLI runs both from source (tests) and bundled as out/main/cli.js, so the root is found by
 * walking up from this module to the package.json named cosmo-studio.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  root: string;
  version: string;
  rendererDir: string;
  demoDataDir: string;
}

export function packageInfo(from: string = dirname(fileURLToPath(import.meta.url))): PackageInfo {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'cosmo-studio' && typeof parsed.version === 'string') {
        return { root: dir, version: parsed.version, rendererDir: join(dir, 'out', 'renderer'), demoDataDir: join(dir, 'demo-data') };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the cosmo-studio package.json above ${from}`);
    dir = parent;
  }
}
