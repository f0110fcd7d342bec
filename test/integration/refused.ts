import { existsSync } from 'node:fs'
import { expect } from 'vitest'
import type { cliOn } from '../unit/cli/run-cli'

/** Runs `args` through `cli` and expects one error line matching `message`, exit code 1, and no file at `out`. */
export async function expectRefusedNothingWritten(cli: ReturnType<typeof cliOn>, args: string[], message: RegExp, out: string): Promise<void> {
  const r = await cli(...args)
  expect(r.code, r.errors.join('\n')).toBe(1)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(existsSync(out)).toBe(false)
}
