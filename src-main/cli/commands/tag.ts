import type { Command } from '../command'
import { tagFile } from '../../api/models'
import { closeJobPool } from '../../api/jobs'
import { dataDirOption, positiveIntFlag } from './data-dir'
import { modelRefFlags, modelRefOptions } from './models'

/** `tag <file>`: the song-level top tags of one audio file from a trained tagger (the newest by default). */
export const tagCommand: Command = {
  name: 'tag',
  summary: 'Tag an audio file of any length with a trained tagger: the top tags with their probabilities',
  usage: 'tag <file> [--model ID] [--checkpoint ID] [--top K] [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, top: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const ref = modelRefFlags(ctx, false)
    const top = positiveIntFlag(ctx, 'top')
    try {
      const r = await tagFile({ ...ref, path: ctx.positionals[0]!, ...(top !== undefined && { top }) })
      for (const note of r.notes) ctx.print(`note: ${note}`)
      ctx.print(`${r.path}: ${r.durationS.toFixed(1)} s, mean of ${r.windows} window${r.windows === 1 ? '' : 's'}; model ${r.modelId}, checkpoint ${r.checkpointId}`)
      const width = Math.max(3, ...r.tags.map((t) => t.tag.length))
      r.tags.forEach((t, i) => ctx.print(`${String(i + 1).padStart(3)}  ${t.tag.padEnd(width)}  ${t.probability.toFixed(3)}`))
      return { ...r }
    } finally {
      await closeJobPool()
    }
  }
}
