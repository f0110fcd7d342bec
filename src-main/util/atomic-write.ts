import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Temporary sibling path for `finalPath`: same folder (so rename is atomic), hidden, unique. */
export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`)
}

/**
 * Writes `data` to `finalPath` so that a crash never leaves a half-written file under the final
 * name: write a temporary file in the same folder, fsync it, then rename it into place.
 */
export async function writeFileAtomic(finalPath: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true })
  const tmp = tempPathFor(finalPath)
  try {
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile(data)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, finalPath)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
