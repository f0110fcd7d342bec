import { stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { UserError } from '../util/errors'

/**
 * Refuses an output path a command would regret writing, before any work: one of its own inputs
 * (the input would be overwritten), a folder, or a file in a folder that does not exist (a typo in
 * the path would otherwise create a tree somewhere unexpected). One line each, naming the path.
 */
export async function checkOutputPath(output: string, inputs: string[]): Promise<void> {
  if (inputs.some((i) => resolve(i) === resolve(output))) throw new UserError(`${output}: is the input file; choose another output`)
  const existing = await stat(output).catch(() => undefined)
  if (existing?.isDirectory()) throw new UserError(`${output}: is a directory`)
  // Only absence is refused here: a file where the folder should be fails the write in its own words.
  if (!(await stat(dirname(resolve(output))).catch(() => undefined))) throw new UserError(`${dirname(output)}: output folder does not exist`)
}
