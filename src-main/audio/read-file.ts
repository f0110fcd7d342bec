import { readFile, stat } from 'node:fs/promises'
import { UserError } from '../util/errors'

/** Largest file read whole: Node's Buffer limit is 2 GiB on some platforms, and decoding doubles it. */
const MAX_BYTES = 2 ** 31 - 1

/** Reads a whole audio file, turning every file-system failure into a one-line UserError. */
export async function readAudioFile(path: string): Promise<Uint8Array> {
  let size: number
  try {
    const s = await stat(path)
    if (s.isDirectory()) throw new UserError(`${path}: is a directory, not an audio file`)
    if (!s.isFile()) throw new UserError(`${path}: is not a regular file`)
    size = s.size
  } catch (err) {
    throw fileError(err, path)
  }
  if (size === 0) throw new UserError(`${path}: file is empty`)
  if (size > MAX_BYTES) throw new UserError(`${path}: file is too large (${(size / 2 ** 30).toFixed(1)} GiB; the limit is 2 GiB)`)
  try {
    const buf = await readFile(path)
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) // a view, not a copy
  } catch (err) {
    throw fileError(err, path)
  }
}

/** A file-system failure as one line naming `path` (a UserError passes through unchanged). */
export function fileError(err: unknown, path: string): Error {
  if (err instanceof UserError) return err
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return new UserError(`${path}: file not found`, { cause: err })
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${path}: permission denied`, { cause: err })
  if (code === 'EISDIR') return new UserError(`${path}: is a directory, not an audio file`, { cause: err })
  return new UserError(`${path}: cannot be read (${code ?? (err as Error)?.message ?? String(err)})`, { cause: err })
}
