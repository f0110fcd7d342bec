import { defineConfig } from 'vitest/config'

/** All suites; test/e2e/*.test.ts runs in Chromium when /usr/bin/chromium exists and says loudly when it skips. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks'
  }
})
