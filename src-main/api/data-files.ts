import { existsSync, realpathSync, statSync } from 'node:fs'
import { rm, unlink } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { describeError } from '../util/errors'

/** Bytes of a file, or null when it is gone (or not readable). */
export function sizeOf(path: string): number | null {
  try {
    return statSync(path).size
  } catch {
    return null
  }
}

/**
 * Security: whether `path` resolves (links followed) strictly inside the data folder, the only place
 * a deletion may remove anything, whatever path a row holds. Checked before the row's commit: a path
 * resolved after its file is gone no longer says where it was.
 */
export function insideDataDir(dataDir: string, path: string): boolean {
  try {
    const root = realpathSync(dataDir)
    const real = realpathSync(resolve(path))
    return real.startsWith(root + sep)
  } catch {
    return false
  }
}

/** What removing one file or folder did: removed, or one line saying why not. */
export interface FileRemoval {
  path: string
  removed: boolean
  /** Why it was not removed (already gone, outside the data folder, not a checkpoint folder, the error); null when it was. */
  note: string | null
}

/**
 * Removes the file (`kind` 'file'), checkpoint folder (`kind` 'checkpoint': a folder holding a
 * model.json, removed with its contents) or a deleted run's whole folder (`kind` 'run':
 * checkpoints/run-<id>, with what a killed run left there) that a committed deletion left, when `inside` the data
 * folder (see insideDataDir). Never throws: what stayed is reported in `note`.
 */
export async function removeAfterCommit(path: string, inside: boolean, kind: 'file' | 'checkpoint' | 'run'): Promise<FileRemoval> {
  const what = kind === 'file' ? 'its file' : kind === 'run' ? 'its run folder' : 'its checkpoint folder'
  if (!existsSync(path)) return { path, removed: false, note: `${what} was already gone` }
  if (!inside) return { path, removed: false, note: `${what} ${path} is outside the data folder and was left in place` }
  // A row pointing at some other folder must not take it with it: only a saved model's folder goes.
  if (kind === 'checkpoint' && !existsSync(join(path, 'model.json'))) return { path, removed: false, note: `${path} holds no model.json (not a checkpoint folder) and was left in place` }
  try {
    // A file is unlinked: fs.rm takes a file it may not unlink (EPERM) for a folder and reports the
    // folder read's ENOTDIR instead of the reason.
    if (kind === 'file') await unlink(path)
    else await rm(path, { recursive: true })
    return { path, removed: true, note: null }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    return { path, removed: false, note: code === 'ENOENT' ? `${what} was already gone` : `${what} ${path} could not be removed (${describeError(err)}); remove it by hand` }
  }
}
