#!/usr/bin/env node
// The `studio` command: runs the built CLI (npm run build writes out/main/cli.js).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`studio: ${cli} is missing; build it first with \`npm run build\`\n`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
