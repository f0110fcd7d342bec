import { defineConfig } from 'vitest/config'

/** Node-only suites; the Chromium end-to-end suite runs through test/e2e (see README). */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks'
  }
})
