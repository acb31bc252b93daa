/** The `studio` binary's entry (built to out/main/cli.js; bin/studio.mjs runs it). */
import { processIo } from './io.js';
import { runCli } from './run.js';

const code = await runCli(process.argv.slice(2), processIo());
process.exitCode = code;
