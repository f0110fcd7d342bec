import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'
import { BACKEND_NAMES } from '../../../src-main/engine/backend'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const script = 'test/fixtures/jobs/cli-griffin-lim.ts'

/** The script's last stdout line, parsed. */
async function lastJson(cmd: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cmd, args, { cwd: root, timeout: 60_000 })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
}

describe('the pool from a CLI process', () => {
  test.each([
    ['node --import tsx', process.execPath, ['--import', 'tsx', script]],
    ['tsx', process.execPath, [fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url)), script]]
  ])('%s: spawns the .ts worker, runs a job, exits cleanly', async (_name, cmd, args) => {
    const out = await lastJson(cmd, args)
    expect(out).toMatchObject({ samples: 4000, status: 'done' })
    expect(BACKEND_NAMES).toContain(out.backend)
    expect(out.spectralConvergence).toBeLessThan(0.3)
    expect(out.progressEvents).toBeGreaterThanOrEqual(1)
  })
})
