/**
 * Finds native-models/ (the Python worker's source): STUDIO_WORKER_DIR when set, else the first
 * native-models/cosmo_rl found walking up from this module (source tree or out/main bundle), then
 * from the working directory. A packaged app sets STUDIO_WORKER_DIR to its resources copy.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function walkUp(from: string): string | null {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'native-models');
    if (existsSync(join(candidate, 'cosmo_rl', '__init__.py'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function moduleDir(): string | null {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return null;
  }
}

export function locateWorkerDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.STUDIO_WORKER_DIR) return resolve(env.STUDIO_WORKER_DIR);
  const here = moduleDir();
  return (here ? walkUp(here) : null) ?? walkUp(process.cwd());
}
