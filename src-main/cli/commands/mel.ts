import { CliUsageError, stringFlag, type Command } from '../command'
import { checkOutputPath } from '../output-path'
import { writeModelMelFile } from '../../api/wavenet-mel'
import { dataDirOption, positiveIntFlag } from './data-dir'
import { modelRefOptions } from './models'

/**
 * `mel`: a recording's log-mel frames, computed with a mel-conditioned WaveNet's own settings, as
 * the JSON log-mel file `generate --mel` reads (format: src-main/datasets/mel-file.ts).
 */
export const melCommand: Command = {
  name: 'mel',
  summary: "Write a recording's log-mel frames, with a WaveNet's mel settings, as a JSON file for generate --mel",
  usage: 'mel --in AUDIO --model ID | --checkpoint ID --out FILE.json [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, in: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const input = stringFlag(ctx, 'in')
    if (input === undefined) throw new CliUsageError('--in AUDIO is required (the recording to analyse)')
    const out = stringFlag(ctx, 'out')
    if (out === undefined) throw new CliUsageError('--out FILE.json is required')
    const modelId = positiveIntFlag(ctx, 'model')
    const checkpointId = positiveIntFlag(ctx, 'checkpoint')
    if (modelId === undefined && checkpointId === undefined) throw new CliUsageError('--model ID or --checkpoint ID is required (the mel settings are the model\'s)')
    await checkOutputPath(out, [input])
    const dataDir = stringFlag(ctx, 'data-dir')
    const r = await writeModelMelFile({ input, out, ...(modelId !== undefined && { modelId }), ...(checkpointId !== undefined && { checkpointId }), ...(dataDir !== undefined && { dataDir }) })
    const s = r.settings
    ctx.print(`model ${r.modelId}: ${r.frames} frames x ${s.bands} bands at hop ${s.hop} (${s.sampleRate} Hz, nFft ${s.nFft}, ${s.fMin}-${s.fMax} Hz) from ${r.samples} samples`)
    ctx.print(`wrote ${r.out}`)
    return { ...r }
  }
}
