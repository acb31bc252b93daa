import { defineConfig } from 'vitest/config';

// End-to-end: real `studio serve` (the built app) driven through Debian Chromium by playwright-core.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
