/**
 * The `studio` command line. runCli(argv, io) parses and runs one command and resolves with its
 * exit code: 0 done, 1 failed (the reason on stderr in one line, then any precise problems),
 * 2 a usage mistake. It never calls process.exit, so tests run it in-process.
 */
import { Command, CommanderError, Option } from 'commander';
import { EXPORT_FORMATS, type ExportFormat } from '../../preload/contract/domain.js';
import { EXIT, reportFailure } from './errors.js';
import { escapeOutput } from './escape.js';
import type { CliIo } from './io.js';
import { packageInfo } from './package-root.js';
import { backupCommand, gcCommand, restoreCommand } from './commands/backup.js';
import { compareCommand } from './commands/compare.js';
import { evalCommand, type EvalOptions } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { importResponsesCommand } from './commands/import-responses.js';
import { projectsCommand } from './commands/projects.js';
import { serveCommand } from './commands/serve.js';
import { statsCommand } from './commands/stats.js';
import { agreementCommand } from './commands/agreement.js';
import { verifierListCommand, verifierTrainCommand } from './commands/verifier.js';
import { registerTrainCommands } from './train.js';

const DATA_DIR_HELP = 'the studio data directory (default: $STUDIO_DATA_DIR, else ~/.local/share/cosmo-studio or the OS app-data folder)';

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('studio')
    .description('COSMO Studio: label multimodal safety prompts; serve the studio to a browser; import, export and inspect projects.')
    .version(packageInfo().version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });

  const run = (fn: () => Promise<number>) => async () => setExit(await fn());

  program
    .command('serve')
    .description('serve the studio to browsers on 127.0.0.1 (prints the URL with its access token)')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '4747')
    .option('--host <address>', 'interface to bind; anything but 127.0.0.1 also needs --expose', undefined)
    .option('--expose', 'listen beyond this machine (default host 0.0.0.0): anyone with the link can read and change every project')
    .option('--keep-token', 'keep the printed link across restarts (the token is stored 0600 in the data dir), so open tabs reconnect')
    .option('--backup-every <hours>', 'back studio.db up into <data-dir>/backups every so many hours (0: never)', '6')
    .option('--backups-kept <n>', 'how many scheduled backups to keep', '8')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { port: string; host?: string; expose?: boolean; keepToken?: boolean; dataDir?: string; backupEvery?: string; backupsKept?: string }) => run(() => serveCommand(io, opts))());

  program
    .command('backup')
    .description('copy studio.db while the studio may be running (an online SQLite backup, checked), into <data-dir>/backups or --out')
    .option('--out <dir>', 'the folder to write the backup into (created if missing)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { out?: string; dataDir?: string }) => run(() => backupCommand(io, opts))());

  program
    .command('restore')
    .description('put a backup in place of studio.db (checked first; the studio must be closed; the replaced file is kept in <data-dir>/backups)')
    .argument('<file>', 'the backup .db file')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((file: string, opts: { dataDir?: string }) => run(() => restoreCommand(io, file, opts))());

  program
    .command('gc')
    .description('remove stored images that no item and no backup in <data-dir>/backups refers to (left by an import that committed nothing)')
    .option('--min-age-hours <hours>', 'leave unreferenced images younger than this (an import in progress may still commit them)', '1')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { minAgeHours?: string; dataDir?: string }) => run(() => gcCommand(io, opts))());

  program
    .command('import')
    .description('import items from a JSONL or CSV file, or a folder of images with a sidecar JSONL, into a project')
    .argument('<path>', 'the file or folder to import')
    .requiredOption('--project <name>', 'the project to import into')
    .option('--create', 'create the project if it does not exist')
    .option('--valid-rows', 'import the valid rows and report the rest, instead of all-or-nothing')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((path: string, opts: { project: string; create?: boolean; validRows?: boolean; dataDir?: string }) => run(() => importCommand(io, path, opts))());

  program
    .command('import-responses')
    .description("import model responses, people's verdicts and preference votes (our JSONL, TRL preference rows, chat rows) into a project")
    .argument('<file>', 'the .jsonl file to import')
    .requiredOption('--project <name>', 'the project whose items the responses answer')
    .option('--valid-rows', 'import the valid lines and report the rest, instead of all-or-nothing')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((file: string, opts: { project: string; validRows?: boolean; dataDir?: string }) => run(() => importResponsesCommand(io, file, opts))());

  program
    .command('export')
    .description('export a project as JSONL with provenance, an immutable dataset snapshot for training, its responses with verdicts and votes, or TRL preference pairs')
    .requiredOption('--project <name>', 'the project to export')
    .addOption(new Option('--format <format>', 'what to write').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'the folder to write the export into (created if missing)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; format: ExportFormat; out: string; dataDir?: string }) => run(() => exportCommand(io, opts))());

  program
    .command('projects')
    .description('list the projects of the data directory')
    .option('--json', 'print JSON instead of a table')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { json?: boolean; dataDir?: string }) => run(() => projectsCommand(io, opts))());

  program
    .command('stats')
    .description("print a project's label statistics")
    .requiredOption('--project <name>', 'the project')
    .option('--json', 'print JSON instead of text')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; json?: boolean; dataDir?: string }) => run(() => statsCommand(io, opts))());

  program
    .command('eval')
    .description("have models answer an evaluation set's prompts (Ctrl-C cancels; --resume ID continues), printing progress")
    .requiredOption('--project <name>', 'the project')
    .option('--models <models>', 'comma-separated model ids or names (`studio runs --models` lists them)')
    .option('--set <name>', "the evaluation set (default: the project's newest; one is frozen when there is none)")
    .option('--samples <k>', 'responses per prompt and model', '1')
    .option('--temperature <t>', 'sampling temperature (0: greedy)', '0.7')
    .option('--max-tokens <n>', 'new tokens per response', '256')
    .option('--seed <s>', 'sampling seed (sample k uses seed + k)', '0')
    .addOption(new Option('--system-prompt <which>', 'ask the way training did, or the prompt alone').choices(['training', 'none']).default('training'))
    .option('--resume <id>', 'continue a stopped evaluation')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: EvalOptions) => run(() => evalCommand(io, opts))());

  program
    .command('agreement')
    .description("print how much a project's annotators agree: Krippendorff's alpha, Fleiss' and Cohen's kappa per field")
    .requiredOption('--project <name>', 'the project')
    .option('--json', 'print JSON instead of text')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; json?: boolean; dataDir?: string }) => run(() => agreementCommand(io, opts))());

  program
    .command('compare')
    .description('compare models on the responses already stored: unsafe, over-refusal and care rates, capability, paired tests')
    .requiredOption('--project <name>', 'the project')
    .option('--models <names>', 'comma-separated model names (default: every model with responses)')
    .option('--verifier <tier>', "whose verdicts count: human (people's only), or people's else rules | learned | judge", 'human')
    .option('--verifier-path <path>', 'the learned verifier file or judge model folder its score job used')
    .option('--set <name>', 'only the items of this evaluation set')
    .option('--all-pairs', 'paired tests between every two models (default: the first model against each other one)')
    .option('--json', 'print JSON instead of text')
    .option('--report <file.html>', 'also write the comparison as one self-contained HTML report (charts inline, no network)')
    .option('--csv <file.csv>', 'also write every figure of the report as CSV')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; models?: string; verifier?: string; verifierPath?: string; set?: string; allPairs?: boolean; json?: boolean; report?: string; csv?: string; dataDir?: string }) =>
      run(() => compareCommand(io, opts))(),
    );

  const verifier = program.command('verifier').description("learned verifiers trained on the project's own verdicts");
  verifier
    .command('train')
    .description("train a learned verifier on people's verdicts; print its held-out accuracy, binary accuracy and kappa against people")
    .requiredOption('--project <name>', 'the project')
    .option('--name <name>', "the verifier's name (default: learned-<n>)")
    .option('--seed <n>', 'seeds the held-out split and the initial weights', '0')
    .option('--json', 'print JSON instead of text')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; name?: string; seed?: string; json?: boolean; dataDir?: string }) => run(() => verifierTrainCommand(io, opts))());
  verifier
    .command('list')
    .description("the project's learned verifiers with their cards")
    .requiredOption('--project <name>', 'the project')
    .option('--json', 'print JSON instead of text')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action((opts: { project: string; json?: boolean; dataDir?: string }) => run(() => verifierListCommand(io, opts))());

  registerTrainCommands(program, io, run);

  for (const command of program.commands.flatMap((c) => [c, ...c.commands])) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
      .showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/**
 * Everything the CLI prints passes escapeOutput: names and values from files can hold control or
 * bidi characters, and a terminal must never act on them (problem lines escape line breaks too).
 */
function safeIo(io: CliIo): CliIo {
  return {
    stdout: (text) => io.stdout(escapeOutput(text)),
    stderr: (text) => io.stderr(escapeOutput(text)),
    isTTY: io.isTTY,
    env: io.env,
    get stop() {
      return io.stop;
    },
  };
}

export async function runCli(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = safeIo(rawIo);
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end with code 0; parse errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportFailure(io, err);
  }
  return exitCode;
}
