/**
 * Which WaveNet activations the wavenet style method reads, and how far each one sees back: the
 * layer names buildWavenet writes (engine/models/wavenet.ts), checked against a loaded model.
 */
import { tfl } from '../../tf'
import type { LayersModel } from '../../models/model-files'
import { UserError } from '../../../util/errors'
import type { Samples } from '../../../util/units'

/** One activation read by the method: its layer name and the receptive field of its output, in samples. */
export interface WavenetLayer {
  name: string
  /** Output t depends on input samples (t - reach, t]: initialFilterWidth + (filterWidth - 1) * sum of dilations up to this layer. */
  reach: Samples
}

/** Dilations and tap counts of a loaded WaveNet, read from its layer configs. */
function geometry(model: LayersModel): { dilations: number[]; filterWidth: number; initialFilterWidth: number } {
  const first = (v: unknown): number => (Array.isArray(v) ? Number(v[0]) : Number(v))
  const dilations: number[] = []
  let filterWidth = 2
  const names = new Set(model.layers.map((l) => l.name))
  for (let i = 0; names.has(`layer${i}_filter`); i++) {
    const c = model.getLayer(`layer${i}_filter`).getConfig()
    dilations.push(first(c.dilationRate))
    filterWidth = first(c.kernelSize)
  }
  return { dilations, filterWidth, initialFilterWidth: first(model.getLayer('input_conv').getConfig().kernelSize) }
}

/**
 * Resolves a user's layer reference: an index i means `layer{i}_residual` (the residual stream after
 * layer i, which every layer but the last has); a full name such as `layer0_gated` is taken as is
 * when the model has it. Throws a UserError naming `what` and the valid range otherwise.
 */
export function resolveLayer(model: LayersModel, ref: string, what: string): WavenetLayer {
  const g = geometry(model)
  const residuals = g.dilations.length - 1
  let name = ref.trim()
  if (/^\d+$/.test(name)) {
    const i = Number(name)
    if (i >= residuals) throw new UserError(`${what} layer ${i}: out of range (the model's residual layers are 0..${residuals - 1})`)
    name = `layer${i}_residual`
  }
  const m = /^layer(\d+)_/.exec(name)
  if (!m || !model.layers.some((l) => l.name === name)) throw new UserError(`${what} layer "${ref}": not a per-layer activation of this WaveNet (give an index 0..${residuals - 1} or a name such as layer0_gated)`)
  const index = Number(m[1])
  const sum = g.dilations.slice(0, index + 1).reduce((a, b) => a + b, 0)
  return { name, reach: g.initialFilterWidth + (g.filterWidth - 1) * sum }
}

/** The default layers: content from the deepest residual stream, style from the two shallowest (the report's choice). */
export function defaultLayers(model: LayersModel): { content: string; style: string[] } {
  const residuals = geometry(model).dilations.length - 1
  if (residuals < 1) throw new UserError('wavenet style: the model has a single layer, so no residual activations to read')
  return { content: String(residuals - 1), style: residuals > 1 ? ['0', '1'] : ['0'] }
}

/**
 * A model from the WaveNet's inputs to the outputs of `names` (in that order). It shares the
 * WaveNet's layers and holds no tensors of its own: never dispose it (LayersModel.dispose would
 * release the shared weights); dispose the WaveNet.
 */
export function featureModel(model: LayersModel, names: string[]): LayersModel {
  const outputs = names.map((n) => model.getLayer(n).output as ReturnType<typeof tfl.input>)
  return tfl.model({ inputs: model.inputs, outputs, name: `${model.name}_style_features` }) as unknown as LayersModel
}
