import { readFileSync, statSync } from 'node:fs'
import { UserError, describeError } from '../util/errors'

/** Throws a UserError unless `dir` is an existing folder. */
export function requireDir(dir: string, what: string): void {
  let ok = false
  try {
    ok = statSync(dir).isDirectory()
  } catch {
    ok = false
  }
  if (!ok) throw new UserError(`${what} ${dir}: not a folder`)
}

/** True when `path` is an existing regular file. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** Reads a whole file, turning "not there" and friends into a UserError naming it. */
export function readRequired(path: string, what: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new UserError(`${what} ${path}: cannot read (${describeError(err)})`)
  }
}
