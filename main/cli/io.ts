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
  /**
   * Aborts on Ctrl-C / SIGTERM, for commands that stop cleanly (`serve`, `train`). Commands that
   * never read it keep the default: Ctrl-C ends the process at once.
   */
  readonly stop: AbortSignal;
}

export function processIo(): CliIo {
  const controller = new AbortController();
  let installed = false;
  const onSignal = () => {
    // A second Ctrl-C while shutting down means "now".
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    get stop() {
      if (!installed) {
        installed = true;
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      return controller.signal;
    },
  };
}
