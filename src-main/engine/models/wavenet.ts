/**
 * WaveNet (van den Oord et al., "WaveNet: A Generative Model for Raw Audio", 2016) as a tfjs-layers
 * LayersModel, laid out as ibab/tensorflow-wavenet lays it out:
 *   mu-law levels, one-hot [batch, T, 256] (or indices [batch, T] through an Embedding)
 *   -> causal input conv (initialFilterWidth taps) to residualChannels
 *   -> per dilation d: filter = tanh(causal conv_d(x) + conditioning),
 *                      gate = sigmoid(causal conv_d(x) + conditioning),
 *                      z = filter * gate; skip += 1x1(z); x += 1x1(z)   (no residual after the last)
 *   -> ReLU -> 1x1 -> ReLU -> 1x1 -> softmax over the 256 mu-law levels  [batch, T, 256]
 * Output t is the distribution of sample t + 1 given samples <= t.
 *
 * Causal padding. tfjs-layers' Conv1D throws on padding 'causal', and tfjs-layers has neither
 * ZeroPadding1D nor Cropping1D. Each causal conv is therefore a left pad made of stock layers,
 * Reshape [T, C] -> [T, 1, C], ZeroPadding2D [[span, 0], [0, 0]], Reshape back to [T + span, C],
 * followed by a 'valid' Conv1D with the dilation. Every layer is a stock Keras class, so the saved
 * topology loads in Python Keras (tensorflowjs_converter) with no custom objects; the price is two
 * cheap Reshapes per layer. The filter and gate convs of a layer share one pad.
 *
 * Conditioning (both optional, both added to the filter and the gate pre-activations of every layer):
 * - global: a dense vector [batch, globalChannels] (a speaker one-hot or embedding, a GloVe vector),
 *   projected per layer by a bias-free Dense and broadcast over time;
 * - local: frames [batch, T / localHop, localChannels] (e.g. 80-band log-mel), upsampled to the
 *   sample rate by repetition (UpSampling2D on [frames, 1, C]) or a learned transposed conv
 *   (Conv2DTranspose with kernel and stride localHop), then a bias-free 1x1 conv per layer. Frame i
 *   conditions samples [i * hop, (i + 1) * hop).
 */
import { tfl } from '../tf'
import { UserError } from '../../util/errors'
import { wholeAtLeast } from './dieleman'
import type { Samples } from '../../util/units'

/** Shape of a WaveNet; every field has a default (the target model). */
export interface WavenetOptions {
  /** Mu-law levels, the classes of input and output (256). */
  quantization?: number
  /** 'onehot': input [batch, T, quantization] float (relaxable for style transfer); 'embedding': input [batch, T] level indices. */
  input?: 'onehot' | 'embedding'
  /** Width of the embedding when input is 'embedding' (residualChannels). */
  embeddingChannels?: number
  /** Dilation of each layer in order (2 stacks x [1, 2, ..., 512]). */
  dilations?: number[]
  /** Taps of every dilated conv (2). */
  filterWidth?: number
  /** Taps of the causal input conv (2). */
  initialFilterWidth?: number
  /** Channels of the residual path (32). */
  residualChannels?: number
  /** Channels of the filter and gate convs (32). */
  dilationChannels?: number
  /** Channels of the skip path and the output's hidden 1x1 (128). */
  skipChannels?: number
  /** Width of the global conditioning vector; 0 (default) for none. */
  globalChannels?: number
  /** Channels of the local conditioning frames (e.g. 80 mel bands); 0 (default) for none. */
  localChannels?: number
  /** Samples per local conditioning frame (the mel hop, e.g. 256). */
  localHop?: Samples
  /** How frames reach the sample rate: 'repeat' (default) or a learned 'transposed' conv. */
  localUpsampling?: 'repeat' | 'transposed'
  /** Fixed input length in samples, or null (default) for any length. */
  samples?: Samples | null
  /** Seed of the initial weights (0). */
  seed?: number
}

type Sym = ReturnType<typeof tfl.input>

/** `stacks` repetitions of [1, 2, 4, ..., 2^(layersPerStack - 1)] (the paper's dilation pattern). */
export function wavenetDilations(stacks = 2, layersPerStack = 10): number[] {
  wholeAtLeast('wavenet stacks', stacks)
  wholeAtLeast('wavenet layersPerStack', layersPerStack)
  return Array.from({ length: stacks * layersPerStack }, (_, i) => 2 ** (i % layersPerStack))
}

/** Every option filled in and checked (a UserError names the field otherwise). */
export function wavenetShape(opts: WavenetOptions = {}): Required<Omit<WavenetOptions, 'samples'>> & { samples: Samples | null } {
  const dilations = opts.dilations ?? wavenetDilations()
  if (dilations.length === 0) throw new UserError('wavenet dilations: at least one layer is needed')
  dilations.forEach((d, i) => wholeAtLeast(`wavenet dilations[${i}]`, d))
  const input = opts.input ?? 'onehot'
  if (input !== 'onehot' && input !== 'embedding') throw new UserError(`wavenet input: "${String(input)}" is not onehot or embedding`)
  const localUpsampling = opts.localUpsampling ?? 'repeat'
  if (localUpsampling !== 'repeat' && localUpsampling !== 'transposed') throw new UserError(`wavenet localUpsampling: "${String(localUpsampling)}" is not repeat or transposed`)
  const residualChannels = wholeAtLeast('wavenet residualChannels', opts.residualChannels ?? 32)
  const localChannels = wholeAtLeast('wavenet localChannels', opts.localChannels ?? 0, 0)
  const localHop = wholeAtLeast('wavenet localHop', opts.localHop ?? 256)
  const samples = opts.samples ?? null
  if (samples !== null) {
    wholeAtLeast('wavenet samples', samples)
    if (localChannels > 0 && samples % localHop !== 0) throw new UserError(`wavenet samples: ${samples} is not a whole number of ${localHop}-sample conditioning frames`)
  }
  return {
    quantization: wholeAtLeast('wavenet quantization', opts.quantization ?? 256, 2),
    input,
    embeddingChannels: wholeAtLeast('wavenet embeddingChannels', opts.embeddingChannels ?? residualChannels),
    dilations,
    filterWidth: wholeAtLeast('wavenet filterWidth', opts.filterWidth ?? 2),
    initialFilterWidth: wholeAtLeast('wavenet initialFilterWidth', opts.initialFilterWidth ?? 2),
    residualChannels,
    dilationChannels: wholeAtLeast('wavenet dilationChannels', opts.dilationChannels ?? 32),
    skipChannels: wholeAtLeast('wavenet skipChannels', opts.skipChannels ?? 128),
    globalChannels: wholeAtLeast('wavenet globalChannels', opts.globalChannels ?? 0, 0),
    localChannels,
    localHop,
    localUpsampling,
    samples,
    seed: opts.seed ?? 0
  }
}

/**
 * Receptive field in samples: how many input samples, ending at t, output t depends on:
 *   RF = (filterWidth - 1) * sum(dilations) + initialFilterWidth
 * (the input conv sees initialFilterWidth samples, and each dilated layer widens that by
 * (filterWidth - 1) * d). 2 stacks x [1..512], width 2: 2 * 1023 + 2 = 2048 samples (128 ms at 16 kHz).
 */
export function receptiveField(opts: WavenetOptions = {}): Samples {
  const { dilations, filterWidth, initialFilterWidth } = wavenetShape(opts)
  return (filterWidth - 1) * dilations.reduce((a, b) => a + b, 0) + initialFilterWidth
}

/**
 * Left-pads [batch, T, C] by `span` steps with zeros, in stock layers (see the file's note on causal
 * padding). `steps` is T when the model has a fixed length (kept in the shapes), else null.
 */
function causalPad(x: Sym, span: number, channels: number, steps: number | null, name: string): Sym {
  if (span === 0) return x
  const image = tfl.layers.reshape({ targetShape: [steps ?? -1, 1, channels], name: `${name}_2d` }).apply(x) as Sym
  const padded = tfl.layers.zeroPadding2d({ padding: [[span, 0], [0, 0]], name: `${name}_pad` }).apply(image) as Sym
  return tfl.layers.reshape({ targetShape: [steps === null ? -1 : steps + span, channels], name: `${name}_1d` }).apply(padded) as Sym
}

/**
 * Builds a WaveNet with fresh Glorot-uniform weights (seeded). Inputs, in this order: `audio`
 * ([batch, T, quantization] one-hot mu-law levels, or [batch, T] level indices), then `global`
 * ([batch, globalChannels]) when globalChannels > 0, then `local` ([batch, T / localHop,
 * localChannels]) when localChannels > 0. Output [batch, T, quantization]: softmax probabilities of
 * the next sample's mu-law level. Throws a UserError for a bad option.
 */
export function buildWavenet(opts: WavenetOptions = {}): ReturnType<typeof tfl.model> {
  const s = wavenetShape(opts)
  const { quantization: q, residualChannels: rc, dilationChannels: dc, skipChannels: sc, filterWidth: fw, seed } = s
  let initIndex = 0
  const init = () => tfl.initializers.glorotUniform({ seed: seed * 10007 + initIndex++ })
  const conv = (x: Sym, filters: number, kernelSize: number, name: string, extra: { dilationRate?: number; useBias?: boolean } = {}): Sym =>
    tfl.layers.conv1d({ filters, kernelSize, padding: 'valid', kernelInitializer: init(), name, ...extra }).apply(x) as Sym

  const inputs: Sym[] = []
  const audio = s.input === 'onehot' ? tfl.input({ shape: [s.samples, q], name: 'audio' }) : tfl.input({ shape: [s.samples], name: 'audio' })
  inputs.push(audio)
  let x: Sym = audio
  let inChannels = q
  if (s.input === 'embedding') {
    x = tfl.layers.embedding({ inputDim: q, outputDim: s.embeddingChannels, embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed * 10007 + 9999 }), name: 'embedding' }).apply(x) as Sym
    inChannels = s.embeddingChannels
  }

  let globalVec: Sym | undefined
  if (s.globalChannels > 0) {
    const g = tfl.input({ shape: [s.globalChannels], name: 'global' })
    inputs.push(g)
    // [batch, G] -> [batch, 1, G]: a per-layer Dense then gives [batch, 1, C], which Add broadcasts over time.
    globalVec = tfl.layers.reshape({ targetShape: [1, s.globalChannels], name: 'global_1t' }).apply(g) as Sym
  }
  let localSeq: Sym | undefined
  if (s.localChannels > 0) {
    const frames = s.samples === null ? null : s.samples / s.localHop
    const l = tfl.input({ shape: [frames, s.localChannels], name: 'local' })
    inputs.push(l)
    const image = tfl.layers.reshape({ targetShape: [frames ?? -1, 1, s.localChannels], name: 'local_2d' }).apply(l) as Sym
    const up =
      s.localUpsampling === 'repeat'
        ? tfl.layers.upSampling2d({ size: [s.localHop, 1], name: 'local_upsample' }).apply(image)
        : tfl.layers.conv2dTranspose({ filters: s.localChannels, kernelSize: [s.localHop, 1], strides: [s.localHop, 1], padding: 'valid', kernelInitializer: init(), name: 'local_upsample' }).apply(image)
    localSeq = tfl.layers.reshape({ targetShape: [s.samples ?? -1, s.localChannels], name: 'local_1d' }).apply(up as Sym) as Sym
  }

  // The causal input conv.
  x = conv(causalPad(x, s.initialFilterWidth - 1, inChannels, s.samples, 'input_conv'), rc, s.initialFilterWidth, 'input_conv')

  const skips: Sym[] = []
  s.dilations.forEach((d, i) => {
    const name = `layer${i}`
    const padded = causalPad(x, (fw - 1) * d, rc, s.samples, name)
    // Both halves of the gated unit: conv, plus the conditioning projections, then tanh or sigmoid.
    const half = (which: 'filter' | 'gate'): Sym => {
      const terms = [conv(padded, dc, fw, `${name}_${which}`, { dilationRate: d })]
      if (globalVec) terms.push(tfl.layers.dense({ units: dc, useBias: false, kernelInitializer: init(), name: `${name}_${which}_global` }).apply(globalVec) as Sym)
      if (localSeq) terms.push(conv(localSeq, dc, 1, `${name}_${which}_local`, { useBias: false }))
      const sum = terms.length === 1 ? terms[0]! : (tfl.layers.add({ name: `${name}_${which}_sum` }).apply(terms) as Sym)
      return tfl.layers.activation({ activation: which === 'filter' ? 'tanh' : 'sigmoid', name: `${name}_${which}_act` }).apply(sum) as Sym
    }
    const z = tfl.layers.multiply({ name: `${name}_gated` }).apply([half('filter'), half('gate')]) as Sym
    skips.push(conv(z, sc, 1, `${name}_skip`))
    // The last layer's residual output would feed nothing: it is left out (no dangling weights).
    if (i < s.dilations.length - 1) x = tfl.layers.add({ name: `${name}_residual` }).apply([x, conv(z, rc, 1, `${name}_dense`)]) as Sym
  })

  let y = skips.length === 1 ? skips[0]! : (tfl.layers.add({ name: 'skip_sum' }).apply(skips) as Sym)
  y = tfl.layers.activation({ activation: 'relu', name: 'postprocess1_relu' }).apply(y) as Sym
  y = conv(y, sc, 1, 'postprocess1')
  y = tfl.layers.activation({ activation: 'relu', name: 'postprocess2_relu' }).apply(y) as Sym
  y = conv(y, q, 1, 'postprocess2')
  const output = tfl.layers.activation({ activation: 'softmax', name: 'next_level' }).apply(y) as Sym
  return tfl.model({ inputs, outputs: output, name: 'wavenet' })
}

/** What a built or loaded WaveNet takes, read back from its layers (what generation needs). */
export interface WavenetSignature {
  quantization: number
  input: 'onehot' | 'embedding'
  /** Width of the global conditioning vector, 0 when the model has none. */
  globalChannels: number
  /** Channels of the local conditioning frames, 0 when the model has none. */
  localChannels: number
  /** Samples per local conditioning frame (0 without local conditioning). */
  localHop: Samples
  receptiveField: Samples
}

/**
 * Reads a WaveNet's signature from its layers (names and configs as buildWavenet writes them), so a
 * model loaded from files needs no side information. Throws a UserError for a model that is not one.
 */
export function wavenetSignature(model: ReturnType<typeof tfl.model>): WavenetSignature {
  const names = new Set(model.layers.map((l) => l.name))
  const config = (name: string): Record<string, unknown> => {
    if (!names.has(name)) throw new UserError(`model "${model.name}" is not a WaveNet (no layer ${name})`)
    return model.getLayer(name).getConfig() as Record<string, unknown>
  }
  const first = (v: unknown): number => (Array.isArray(v) ? Number(v[0]) : Number(v))
  const dilations: number[] = []
  let filterWidth = 2
  for (let i = 0; names.has(`layer${i}_filter`); i++) {
    const c = config(`layer${i}_filter`)
    dilations.push(first(c.dilationRate))
    filterWidth = first(c.kernelSize)
  }
  const inputConv = config('input_conv')
  const quantization = first(config('postprocess2').filters)
  const shapeOf = (name: string): (number | null)[] | undefined => model.inputs.find((t) => t.name.startsWith(name))?.shape
  const upsample = names.has('local_upsample') ? config('local_upsample') : undefined
  const globalShape = shapeOf('global')
  const localShape = shapeOf('local')
  return {
    quantization,
    input: names.has('embedding') ? 'embedding' : 'onehot',
    globalChannels: globalShape ? Number(globalShape[1]) : 0,
    localChannels: localShape ? Number(localShape[2]) : 0,
    localHop: upsample ? first(upsample.size ?? upsample.strides) : 0,
    receptiveField: receptiveField({ dilations, filterWidth, initialFilterWidth: first(inputConv.kernelSize) })
  }
}
