import { lstatSync, rmSync } from 'node:fs'
import { join, sep } from 'node:path'
import type { Db } from './open'
import { UserError, describeError } from '../util/errors'

/** A run's checkpoint folder, as every training job names it: <data folder>/checkpoints/run-<id>. */
export function runFolder(dataDir: string, runId: number): string {
  return join(dataDir, 'checkpoints', `run-${runId}`)
}

/**
 * Clears what a new run's folder already holds, before the run writes there. Run ids are never given
 * twice since schema v7 (AUTOINCREMENT), yet the folder may be there: an id deleted before a library
 * reached v7 (the counter starts at the largest id left) comes back once, with a folder its deletion
 * could not remove or a killed run's `.epoch-NNN.tmp-*`, and a folder can be copied in by hand. No row
 * may point into it (the folder is cleared: it belongs to no run); one that does, or a link in its
 * place, is refused in one line, leaving it as it is. Call it inside the transaction that creates the
 * run, so a refusal keeps no row.
 */
export function clearStaleRunFolder(db: Db, dataDir: string, runId: number): void {
  const dir = runFolder(dataDir, runId)
  let isDir: boolean
  try {
    const st = lstatSync(dir)
    if (st.isSymbolicLink()) throw new UserError(`run ${runId}: ${dir} is a link, not the run's own folder; remove it by hand`)
    isDir = st.isDirectory()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if (!isDir) throw new UserError(`run ${runId}: ${dir} is not a folder; remove it by hand`)
  const held = db.prepare('SELECT id FROM checkpoints WHERE path = ? OR substr(path, 1, ?) = ? LIMIT 1').get(dir, dir.length + 1, dir + sep) as { id: number } | undefined
  if (held) throw new UserError(`run ${runId}: ${dir} holds checkpoint ${held.id} of another run; move it away first`)
  try {
    rmSync(dir, { recursive: true })
  } catch (err) {
    throw new UserError(`run ${runId}: ${dir} is left from an earlier run and could not be cleared (${describeError(err)}); remove it by hand`)
  }
}
