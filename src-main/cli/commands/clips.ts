import type { Command } from '../command'
import { CliUsageError, boolFlag } from '../command'
import { listClips, listSpeakers } from '../../api/library'
import { UserError } from '../../util/errors'
import type { Split } from '../../library/clips'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

/** How many clips to print when no --limit is given, so a 25k-clip dataset does not flood the terminal. */
const DEFAULT_LIMIT = 50

/**
 * `clips [--tag T ...] [--split S] [--speaker CODE] [--dataset ID] [--limit N] [--include-unusable]`: find
 * usable clips by tags, split and speaker; with --include-unusable also those whose audio is missing or unusable.
 */
export const clipsCommand: Command = {
  name: 'clips',
  summary: 'List clips that have every --tag (names or merged synonyms), optionally of one split or speaker',
  usage: 'clips [--tag T ...] [--split train|valid|test] [--speaker CODE] [--dataset ID] [--limit N] [--include-unusable] [--data-dir D] [--json]',
  options: {
    ...dataDirOption,
    tag: { type: 'string', multiple: true },
    split: { type: 'string' },
    limit: { type: 'string' },
    dataset: { type: 'string' },
    speaker: { type: 'string' },
    'include-unusable': { type: 'boolean' }
  },
  async run(ctx) {
    const tags = (ctx.values.tag as string[] | undefined) ?? []
    const split = ctx.values.split as string | undefined
    if (split !== undefined && split !== 'train' && split !== 'valid' && split !== 'test') {
      throw new CliUsageError(`--split: "${split}" is not train, valid or test`)
    }
    const limit = positiveIntFlag(ctx, 'limit') ?? DEFAULT_LIMIT
    const datasetId = positiveIntFlag(ctx, 'dataset')
    const speakerCode = ctx.values.speaker as string | undefined
    return withCommandLibrary(ctx, (lib) => {
      if (datasetId !== undefined && lib.datasets.get(datasetId) === undefined) throw new UserError(`--dataset: dataset ${datasetId} is not in the library`)
      // A tag is a merged name or one of its synonyms, in any case; one the library does not know is refused (a typo would list nothing).
      const tagNames = tags.map((t) => {
        const found = lib.tags.resolve(t.trim()) ?? lib.tags.resolve(t.trim().toLowerCase())
        if (found === undefined) throw new UserError(`--tag: "${t}" is not a tag or merged synonym in the library (\`tags\` lists them)`)
        return found.name
      })
      let speakerId: number | undefined
      if (speakerCode !== undefined) {
        // VCTK codes are stored as "p225"; accept the bare number of the 0.80 speaker-info too.
        const wanted = /^\d+$/.test(speakerCode.trim()) ? `p${speakerCode.trim()}` : speakerCode.trim().toLowerCase()
        const found = listSpeakers(lib, { datasetId }).filter((s) => s.code.toLowerCase() === wanted)
        if (found.length === 0) throw new UserError(`--speaker: no speaker "${speakerCode}" in the library${datasetId === undefined ? '' : ` (dataset ${datasetId})`}`)
        if (found.length > 1) {
          throw new UserError(`--speaker: "${speakerCode}" is in datasets ${found.map((s) => s.datasetId).join(', ')}; add --dataset ID`)
        }
        speakerId = found[0]!.id
      }
      const includeUnusable = boolFlag(ctx, 'include-unusable')
      const { total, clips } = listClips(lib, { tags: tagNames, split: split as Split | undefined, datasetId, speakerId, limit, includeUnusable })
      for (const c of clips) {
        const dur = c.durationS === null ? '      ?' : `${c.durationS.toFixed(2).padStart(6)}s`
        const mark = c.missing ? '[missing] ' : c.unusable !== null ? `[unusable: ${c.unusable}] ` : ''
        ctx.print(`${c.sourceKey.padEnd(10)} ${(c.split ?? '-').padEnd(5)} ${dur} ${mark}${c.path}  ${c.tags.join(', ')}`)
      }
      ctx.print(`${clips.length} of ${total} matching ${includeUnusable ? '' : 'usable '}clips`)
      return { total, clips }
    })
  }
}
