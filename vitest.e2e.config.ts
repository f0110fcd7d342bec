import { defineConfig } from 'vitest/config'

/** `npm run test:e2e`: only the Chromium end-to-end suite (it starts `npm run serve` itself). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One browser and one host at a time: the suite is a single ordered walk through the app.
    fileParallelism: false
  }
})
