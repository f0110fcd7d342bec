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

/** The largest dataset file read whole (MTAT's annotations are about 10 MB, MNIST's largest IDX 47 MB). */
export const MAX_DATASET_FILE_BYTES = 256 * 1024 * 1024

/**
 * Throws a UserError unless `path` is a regular file of at most `maxBytes`: a device or a FIFO
 * (/dev/zero, a named pipe, through a symlink too) never ends or blocks, so it is refused unread.
 */
export function requireReadableFile(path: string, what: string, maxBytes = MAX_DATASET_FILE_BYTES): void {
  let st
  try {
    st = statSync(path)
  } catch (err) {
    throw new UserError(`${what} ${path}: cannot read (${describeError(err)})`)
  }
  if (!st.isFile()) throw new UserError(`${what} ${path}: not a regular file`)
  if (st.size > maxBytes) throw new UserError(`${what} ${path}: ${Math.ceil(st.size / 1024 / 1024)} MB is larger than the ${maxBytes / 1024 / 1024} MB such a file can be`)
}

/** Reads a whole regular file of at most MAX_DATASET_FILE_BYTES, turning "not there" and friends into a UserError naming it. */
export function readRequired(path: string, what: string): Buffer {
  requireReadableFile(path, what)
  try {
    return readFileSync(path)
  } catch (err) {
    throw new UserError(`${what} ${path}: cannot read (${describeError(err)})`)
  }
}
