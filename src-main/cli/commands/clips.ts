import type { Command } from '../command'
import { CliUsageError } from '../command'
import { listClips } from '../../api/library'
import type { Split } from '../../library/clips'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

/** How many clips to print when no --limit is given, so a 25k-clip dataset does not flood the terminal. */
const DEFAULT_LIMIT = 50

/** `clips [--tag T ...] [--split train|valid] [--limit N]`: find clips by tags and split. */
export const clipsCommand: Command = {
  name: 'clips',
  summary: 'List clips having every --tag (names or merged synonyms), optionally of one split',
  usage: 'clips [--tag T ...] [--split train|valid|test] [--speaker CODE] [--limit N] [--data-dir D] [--json]',
  options: { ...dataDirOption, tag: { type: 'string', multiple: true }, split: { type: 'string' }, limit: { type: 'string' }, dataset: { type: 'string' } },
  async run(ctx) {
    const tags = (ctx.values.tag as string[] | undefined) ?? []
    const split = ctx.values.split as string | undefined
    if (split !== undefined && split !== 'train' && split !== 'valid' && split !== 'test') {
      throw new CliUsageError(`--split: "${split}" is not train, valid or test`)
    }
    const limit = positiveIntFlag(ctx, 'limit') ?? DEFAULT_LIMIT
    const datasetId = positiveIntFlag(ctx, 'dataset')
    return withCommandLibrary(ctx, (lib) => {
      const { total, clips } = listClips(lib, { tags, split: split as Split | undefined, datasetId, limit })
      for (const c of clips) {
        const dur = c.durationS === null ? '      ?' : `${c.durationS.toFixed(2).padStart(6)}s`
        ctx.print(`${c.sourceKey.padEnd(10)} ${(c.split ?? '-').padEnd(5)} ${dur} ${c.missing ? '[missing] ' : ''}${c.path}  ${c.tags.join(', ')}`)
      }
      ctx.print(`${clips.length} of ${total} matching clips`)
      return { total, clips }
    })
  }
}
