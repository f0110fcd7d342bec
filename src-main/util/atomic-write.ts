import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { UserError } from './errors'

/** Temporary sibling path for `finalPath`: same folder (so rename is atomic), hidden, unique. */
export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
}

/**
 * Writes `data` to `finalPath` so that a crash never leaves a half-written file under the final
 * name: write a temporary file in the same folder, fsync it, then rename it into place. A failure
 * (a full disk, a read-only folder) removes the temporary file and rejects with cannotWrite's line.
 */
export async function writeFileAtomic(finalPath: string, data: Uint8Array | string): Promise<void> {
  const tmp = tempPathFor(finalPath)
  try {
    await mkdir(dirname(finalPath), { recursive: true })
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, finalPath)
  } catch (err) {
    // The cleanup's own failure (ENOTDIR where the folder is a file) must not hide the first error.
    await rm(tmp, { force: true }).catch(() => undefined)
    throw cannotWrite(finalPath, err)
  }
}

/**
 * The one-line UserError for a file or folder that could not be written: the path and the reason in
 * plain words (an error that already is a UserError is returned as it is).
 */
export function cannotWrite(path: string, err: unknown): UserError {
  if (err instanceof UserError) return err
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? ''
  return new UserError(`${path}: cannot write (${WRITE_ERRORS[code] ?? (code || (err as Error)?.message || String(err))})`, { cause: err })
}

/** Plain words for the file-system errors a user can fix. EEXIST: mkdir met a file where a folder goes. */
const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a folder has that name',
  ENOTEMPTY: 'a folder has that name',
  ENOTDIR: 'part of the path is a file, not a folder',
  EEXIST: 'part of the path is a file, not a folder'
}
