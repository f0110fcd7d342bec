import { existsSync } from 'node:fs'
import { expect } from 'vitest'
import type { cliOn } from '../unit/cli/run-cli'
import { withLibrary } from '../../src-main/api/library'

/** Runs `args` through `cli` and expects one error line matching `message`, exit code 1, and no file at `out`. */
export async function expectRefusedNothingWritten(cli: ReturnType<typeof cliOn>, args: string[], message: RegExp, out: string): Promise<void> {
  const r = await cli(...args)
  expect(r.code, r.errors.join('\n')).toBe(1)
  expect(r.errors).toHaveLength(1)
  expect(r.errors[0]).toMatch(message)
  expect(existsSync(out)).toBe(false)
}

/**
 * Runs `args` through `cli` and expects it refused in one line (exit 1), or as a usage error (exit 2:
 * the line, then the usage), with the library of `dataDir` unchanged.
 */
export async function expectRefusedUnchanged(cli: ReturnType<typeof cliOn>, dataDir: string, args: string[], message: RegExp, usage = false): Promise<void> {
  const before = await withLibrary(dataDir, (lib) => lib.snapshot())
  const r = await cli(...args)
  expect(r.code, r.errors.join('\n')).toBe(usage ? 2 : 1)
  expect(r.errors).toHaveLength(usage ? 2 : 1)
  expect(r.errors[0]).toMatch(message)
  expect(await withLibrary(dataDir, (lib) => lib.snapshot())).toEqual(before)
}
