/** The unit tests' check of a refusal: a UserError of one line. */
import { expect } from 'vitest'
import { UserError } from '../../src-main/util/errors'

/** Expects `fn` to throw a UserError whose whole message is one line matching `line`. */
export function expectRefusedLine(fn: () => unknown, line: RegExp): void {
  let err: unknown
  try {
    fn()
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(UserError)
  expect((err as Error).message).not.toContain('\n')
  expect((err as Error).message).toMatch(line)
}
