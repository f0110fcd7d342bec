import type { Command } from '../command'
import { listTags } from '../../api/library'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

/** `tags [--top N]`: tags by clip count, with the synonyms merged into each. */
export const tagsCommand: Command = {
  name: 'tags',
  summary: 'List tags by clip count, with the synonyms merged into each',
  usage: 'tags [--top N] [--dataset ID] [--data-dir D] [--json]',
  options: { ...dataDirOption, top: { type: 'string' }, dataset: { type: 'string' } },
  async run(ctx) {
    const top = positiveIntFlag(ctx, 'top')
    const datasetId = positiveIntFlag(ctx, 'dataset')
    return withCommandLibrary(ctx, (lib) => {
      const tags = listTags(lib, { top, datasetId })
      const width = Math.max(4, ...tags.map((t) => t.name.length))
      tags.forEach((t, i) => ctx.print(`${String(i + 1).padStart(3)}  ${t.name.padEnd(width)}  ${String(t.clips).padStart(6)}${t.aliases.length ? `  (= ${t.aliases.join(', ')})` : ''}`))
      return { tags: tags.map(({ name, clips, aliases }) => ({ name, clips, aliases })) }
    })
  }
}
