import type { Command } from '../command'
import { foolFile } from '../../api/models'
import { closeJobPool } from '../../api/jobs'
import { dataDirOption, positiveIntFlag } from './data-dir'
import { modelRefFlags, modelRefOptions } from './models'
import { required } from './stylize'

/** `fool`: one clip changed to maximise a tag of a trained tagger, with the tag's probability before and after. */
export const foolCommand: Command = {
  name: 'fool',
  summary: 'Change a clip to maximise one tag of a trained tagger and measure what that did to the sound',
  usage: 'fool --model ID --tag T --in <file> --out <file.wav> [--checkpoint ID] [--iterations N] [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, tag: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, iterations: { type: 'string' } },
  async run(ctx) {
    const ref = modelRefFlags(ctx, true)
    const tag = required(ctx, 'tag')
    const inPath = required(ctx, 'in')
    const outPath = required(ctx, 'out')
    const iterations = positiveIntFlag(ctx, 'iterations')
    const bar = ctx.progress('fool', 1)
    try {
      const { report: r } = await foolFile(
        { ...ref, tag, inPath, outPath, ...(iterations !== undefined && { iterations }) },
        {
          onProgress: (p) => {
            bar.setTotal(p.total)
            bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }), ...(p.loss !== undefined && { loss: p.loss }) }, p.etaMs)
          }
        }
      )
      bar.stop()
      for (const note of r.inputNotes ?? []) ctx.print(`note: ${note}`)
      ctx.print(`wrote ${outPath}`)
      ctx.print(`  "${r.tag}" probability ${r.probability.before.toFixed(3)} -> ${r.probability.after.toFixed(3)} (model ${r.modelId}, checkpoint ${r.checkpointId}, ${r.arch}; ${r.iterations} L-BFGS iterations on ${r.backend})`)
      ctx.print(`  spectral flatness (0 tone, 0.56 white noise): input ${r.spectralFlatness.input.toFixed(3)} -> output ${r.spectralFlatness.output.toFixed(3)}`)
      const c = r.change
      const added = c.levelDb === null ? 'nothing' : `${c.levelDb.toFixed(1)} dB relative to the input, spectral flatness ${c.spectralFlatness.toFixed(3)}`
      ctx.print(`  what was added (output - input): ${added}`)
      ctx.print(`  style distance output to input ${r.styleDistance.toFixed(2)}; content distance ${r.contentDistance.toFixed(3)}`)
      ctx.print(`  ${r.durationS.toFixed(1)} s of audio at ${r.sampleRate} Hz in ${(r.wallMs / 1000).toFixed(1)} s`)
      return { out: outPath, ...r }
    } finally {
      bar.stop()
      await closeJobPool()
    }
  }
}
