import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: 1 on a 2-core machine (CI), where the
    // files then ran one after another while the Python worker's start-up, the disk and the
    // child processes the files wait on left the second core mostly idle. Two there; the default
    // elsewhere. Every file has its own temp data dir and port, so files do not share state.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
