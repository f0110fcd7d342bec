import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UserError } from '../util/errors'
import { cannotWrite } from '../util/atomic-write'

/**
 * Refuses an output path a command would regret writing, before any work: one of its own inputs
 * (the input would be overwritten), a folder, a file in a folder that does not exist (a typo in
 * the path would otherwise create a tree somewhere unexpected) or cannot be written. One line each, naming the path.
 */
export async function checkOutputPath(output: string, inputs: string[]): Promise<void> {
  if (inputs.some((i) => resolve(i) === resolve(output))) throw new UserError(`${output}: is the input file; choose another output`)
  const existing = await stat(output).catch(() => undefined)
  if (existing?.isDirectory()) throw new UserError(`${output}: is a directory`)
  // Only absence is refused here: a file where the folder should be fails the write in its own words.
  const folder = dirname(resolve(output))
  if (!(await stat(folder).catch(() => undefined))) throw new UserError(`${dirname(output)}: output folder does not exist`)
  // A folder that cannot take the file (read-only, not ours) is refused now, not after minutes of work.
  await access(folder, constants.W_OK).catch((err: unknown) => {
    throw cannotWrite(dirname(output), err)
  })
}
