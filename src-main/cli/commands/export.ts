import { CliUsageError, stringFlag, type Command } from '../command'
import { exportModel } from '../../api/models'
import { closeJobPool } from '../../api/jobs'
import { MODEL_JSON, WEIGHTS_BIN } from '../../engine/models/model-files'
import { dataDirOption } from './data-dir'
import { formatBytes, modelRefFlags, modelRefOptions } from './models'

/** A path as one shell word: as is when it is plain, else in single quotes. */
function shellWord(s: string): string {
  return /^[\w./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`
}

/** The tensorflowjs_converter command that turns an exported folder into a Keras HDF5 model. */
export function kerasCommand(dir: string): string {
  return `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras ${shellWord(`${dir}/${MODEL_JSON}`)} model.h5`
}

/** `export`: a trained model's TF.js Layers files, written into a folder of the user's. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a trained model as TF.js Layers files (model.json + weights.bin) for tensorflowjs_converter',
  usage: 'export --model ID [--checkpoint ID] --out DIR [--data-dir D] [--json]',
  options: { ...dataDirOption, ...modelRefOptions, out: { type: 'string' } },
  async run(ctx) {
    const ref = modelRefFlags(ctx, true)
    const out = stringFlag(ctx, 'out')
    if (out === undefined || out === '') throw new CliUsageError('--out DIR is required')
    try {
      const r = await exportModel({ ...ref, out })
      const files = [MODEL_JSON, WEIGHTS_BIN]
      const converter = kerasCommand(r.out)
      ctx.print(`wrote ${r.out} (${files.join(' + ')}, ${formatBytes(r.bytes)}): model ${r.modelId}, checkpoint ${r.checkpointId}`)
      ctx.print('to turn it into a Keras model:')
      ctx.print(`  ${converter}`)
      return { ...r, files, converter }
    } finally {
      await closeJobPool()
    }
  }
}
