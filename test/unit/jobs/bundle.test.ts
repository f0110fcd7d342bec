import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const out = `${root}node_modules/.cache/jobs-bundle-check`

describe('the pool in an electron-vite build', () => {
  test('with the worker and both helpers as their own entries, the bundled main runs a job, a split texture render and data-parallel training', async () => {
    const cli = fileURLToPath(new URL('../../../node_modules/electron-vite/bin/electron-vite.js', import.meta.url))
    await run(process.execPath, [cli, 'build', '-c', 'test/fixtures/jobs/bundle-check.config.ts', '--logLevel', 'error'], { cwd: root, timeout: 60_000 })
    expect(existsSync(`${out}/index.js`)).toBe(true)
    expect(existsSync(`${out}/worker.js`)).toBe(true)
    expect(existsSync(`${out}/texture-helper.js`)).toBe(true)
    expect(existsSync(`${out}/replica-helper.js`)).toBe(true)
    // Plain node, no tsx: the bundle must stand on its own.
    const mtat = fileURLToPath(new URL('../../fixtures/mtat/dataset', import.meta.url))
    const { stdout } = await run(process.execPath, [`${out}/index.js`], { cwd: out, timeout: 90_000, env: { ...process.env, EB_BUNDLE_MTAT: mtat } })
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ samples: 256, status: 'done', textureThreads: 2, trainingThreads: 2 })
  })
})
