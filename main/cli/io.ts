/**
 * What the CLI touches outside itself, passed in so tests run `runCli(argv, io)` in-process with
 * captured output and their own stop signal, and the real binary passes the process's.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** `studio serve` runs until this aborts (Ctrl-C / SIGTERM for the real process). */
  stop: AbortSignal;
}

export function processIo(): CliIo {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    stop: controller.signal,
  };
}
