import { CliUsageError, stringFlag, type Command } from '../command'
import { vaeSamples, type VaePicture } from '../../api/vae-pictures'
import { dataDirOption, positiveIntFlag } from './data-dir'

/** The flags both picture commands take, read and checked: the model, the output file, the count. */
export function pictureFlags(ctx: Parameters<Command['run']>[0]): { modelId: number; out: string; n?: number; dataDir?: string } {
  const modelId = positiveIntFlag(ctx, 'model')
  if (modelId === undefined) throw new CliUsageError('--model ID is required (the modelId `train-vae` printed)')
  const out = stringFlag(ctx, 'out')
  if (out === undefined) throw new CliUsageError('--out FILE.png is required')
  const n = positiveIntFlag(ctx, 'n')
  const dataDir = stringFlag(ctx, 'data-dir')
  return { modelId, out, ...(n !== undefined && { n }), ...(dataDir !== undefined && { dataDir }) }
}

/** The line a picture command prints. */
export function describePicture(p: VaePicture, what: string): string {
  return `${what} of model ${p.modelId} (checkpoint ${p.checkpointId ?? 'n/a'}): ${p.width}x${p.height} PNG, ${p.tiles} images -> ${p.path}`
}

/** The options of both picture commands. */
export const pictureOptions = { ...dataDirOption, model: { type: 'string' }, out: { type: 'string' }, n: { type: 'string' } } as const

/** `vae-samples`: a PNG grid of samples from a trained VAE's prior. */
export const vaeSamplesCommand: Command = {
  name: 'vae-samples',
  summary: "Write a PNG grid of samples from a trained VAE's prior (decoded means)",
  usage: 'vae-samples --model ID --out grid.png [--n 64] [--data-dir D] [--json]',
  options: pictureOptions,
  async run(ctx) {
    const p = await vaeSamples(pictureFlags(ctx))
    ctx.print(describePicture(p, 'samples'))
    return { ...p }
  }
}
