import type { Command } from '../command'
import { CliUsageError } from '../command'
import { listSpeakers } from '../../api/library'
import { dataDirOption, positiveIntFlag, withCommandLibrary } from './data-dir'

/** `speakers`: speakers of the imported speech datasets, with gender and clip counts. */
export const speakersCommand: Command = {
  name: 'speakers',
  summary: 'List speakers with gender, age, accent, region and clip count',
  usage: 'speakers [--gender F|M] [--dataset ID] [--data-dir D] [--json]',
  options: { ...dataDirOption, gender: { type: 'string' }, dataset: { type: 'string' } },
  async run(ctx) {
    const raw = ctx.values.gender as string | undefined
    const gender = raw?.toUpperCase()
    if (gender !== undefined && gender !== 'F' && gender !== 'M') throw new CliUsageError(`--gender: "${raw}" is not F or M`)
    const datasetId = positiveIntFlag(ctx, 'dataset')
    return withCommandLibrary(ctx, (lib) => {
      const speakers = listSpeakers(lib, { gender, datasetId })
      for (const s of speakers) {
        ctx.print(`${s.code.padEnd(6)} ${s.gender ?? '?'} ${String(s.age ?? '?').padStart(3)}  ${(s.accent ?? '').padEnd(10)} ${(s.region ?? '').padEnd(20)} ${String(s.clips).padStart(5)} clips`)
      }
      return { speakers }
    })
  }
}
