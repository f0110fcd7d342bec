/**
 * The variational lossy autoencoder for audio (Chen et al., "Variational Lossy Autoencoder", 2017):
 * a VAE whose decoder is autoregressive but sees only a short past, so what is global to a crop
 * (the voice, its pitch range, the recording) is cheaper to carry in z than to infer from ~30
 * samples. As one tfjs-layers model, so it trains, saves and resumes like the other models:
 *   inputs `x` [B, T, q] (the crop's mu-law levels, one-hot), `past` [B, T, q] (the same levels
 *   shifted one step right behind a silent level: the decoder's teacher-forced input) and `z` [B, L];
 *   outputs the encoder's posterior parameters [B, 2L] and the decoder's next-level probabilities
 *   [B, T, q].
 * - encoder (`encoder`, a nested model): a 1x1 conv (a learned embedding of the levels), then
 *   strided 1-D convs (kernel 8, stride 4, ReLU) down to T / 4^k steps, global average pooling, and a
 *   Dense to [μ | log σ²] of a diagonal Gaussian q(z | x);
 * - decoder (`wavenet`, a nested model): a shallow WaveNet (models/wavenet.ts; 2 stacks x 4 layers,
 *   filter width 2: receptive field 32 samples) with z as its global conditioning vector, added to
 *   the filter and gate of every layer through a bias-free Dense.
 * The two halves share no layer: `vlae` runs each on its own (encode a clip, decode a z).
 */
import { tf, tfl } from '../../tf'
import { UserError } from '../../../util/errors'
import type { LayersModel } from '../model-files'
import { buildWavenet, receptiveField, wavenetDilations } from '../wavenet'
import { wholeAtLeast } from '../dieleman'
import type { AutoregressiveDecoder, GenerateOptions } from './decoder'
import { gaussianPosterior, standardNormalPrior } from './latent'
import { Vae } from './vae'
import type { Samples } from '../../../util/units'

/** The shape of a VLAE: stored with its model record and in every checkpoint. */
export interface VlaeOptions {
  /** Width of z. */
  latents: number
  /** Samples per crop (T): the encoder's input and the decoder's teacher-forced length. */
  crop: Samples
  /** Mu-law levels (256). */
  quantization: number
  /** Channels of the encoder's convs. */
  encoderChannels: number
  /** Strided convs of the encoder (each divides the steps by 4). */
  encoderLayers: number
  /** WaveNet stacks and layers per stack of the decoder (2 x 4: receptive field 32). */
  stacks: number
  layersPerStack: number
  /** The decoder's residual and dilation channels. */
  channels: number
  /** The decoder's skip channels. */
  skipChannels: number
  /** Seed of the initial weights. */
  seed: number
}

/** The VLAE: 16 latents, 2 x 4 WaveNet layers of 32 channels, 3 strided encoder convs of 64. */
export function vlaeOptions(o: Partial<VlaeOptions> & { crop: Samples }): VlaeOptions {
  const v: VlaeOptions = { latents: 16, quantization: 256, encoderChannels: 64, encoderLayers: 3, stacks: 2, layersPerStack: 4, channels: 32, skipChannels: 64, seed: 0, ...o }
  for (const k of ['latents', 'crop', 'encoderChannels', 'encoderLayers', 'stacks', 'layersPerStack', 'channels', 'skipChannels'] as const) wholeAtLeast(`vlae ${k}`, v[k])
  wholeAtLeast('vlae quantization', v.quantization, 2)
  if (v.crop < 4 ** v.encoderLayers) throw new UserError(`vlae crop: ${v.crop} samples is shorter than the encoder's ${v.encoderLayers} stride-4 convs need (${4 ** v.encoderLayers})`)
  return v
}

/** Kernel width of the encoder's strided convs: twice the stride, so neighbouring windows overlap. */
const ENCODER_KERNEL = 8
const ENCODER_STRIDE = 4

/** The decoder's WaveNet options. */
function decoderOptions(o: VlaeOptions) {
  return { quantization: o.quantization, dilations: wavenetDilations(o.stacks, o.layersPerStack), residualChannels: o.channels, dilationChannels: o.channels, skipChannels: o.skipChannels, globalChannels: o.latents, samples: o.crop, seed: o.seed }
}

/** The decoder's receptive field in samples. */
export const vlaeReceptiveField = (o: VlaeOptions): Samples => receptiveField(decoderOptions(o))

/** The encoder: one-hot levels [B, T, q] -> posterior parameters [B, 2L]. */
function buildEncoder(o: VlaeOptions): LayersModel {
  let init = 0
  const kernel = () => tfl.initializers.glorotUniform({ seed: o.seed * 7919 + init++ })
  const x = tfl.input({ shape: [o.crop, o.quantization], name: 'encoder_x' })
  let h = tfl.layers.conv1d({ filters: o.encoderChannels, kernelSize: 1, kernelInitializer: kernel(), name: 'encoder_embed' }).apply(x) as tfl.SymbolicTensor
  for (let i = 0; i < o.encoderLayers; i++) {
    h = tfl.layers.conv1d({ filters: o.encoderChannels, kernelSize: ENCODER_KERNEL, strides: ENCODER_STRIDE, padding: 'same', activation: 'relu', kernelInitializer: kernel(), name: `encoder_conv${i}` }).apply(h) as tfl.SymbolicTensor
  }
  const pooled = tfl.layers.globalAveragePooling1d({ name: 'encoder_pool' }).apply(h) as tfl.SymbolicTensor
  const params = tfl.layers.dense({ units: 2 * o.latents, kernelInitializer: kernel(), name: 'encoder_params' }).apply(pooled) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: params, name: 'encoder' })
}

/** Builds the (uncompiled) VLAE model of `o` (see the file comment). */
export function buildVlae(o: VlaeOptions): LayersModel {
  const encoder = buildEncoder(o)
  const wavenet = buildWavenet(decoderOptions(o))
  const x = tfl.input({ shape: [o.crop, o.quantization], name: 'x' })
  const past = tfl.input({ shape: [o.crop, o.quantization], name: 'past' })
  const z = tfl.input({ shape: [o.latents], name: 'z' })
  const q = encoder.apply(x) as tfl.SymbolicTensor
  const p = wavenet.apply([past, z]) as tfl.SymbolicTensor
  return tfl.model({ inputs: [x, past, z], outputs: [q, p], name: 'vlae' })
}

/** Builds and compiles the VLAE for training with Adam at `learningRate` (the loss is the step's own). */
export function buildVlaeForTraining(o: VlaeOptions, learningRate: number): LayersModel {
  const model = buildVlae(o)
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError' })
  return model
}

/** "16 latents, crop 2048, encoder 3 x 64, decoder 2x4 x 32 (RF 32)". */
export function describeVlae(o: VlaeOptions): string {
  return `VLAE ${o.latents} latents, crop ${o.crop}, encoder ${o.encoderLayers} x ${o.encoderChannels}, decoder WaveNet ${o.stacks}x${o.layersPerStack} x ${o.channels} (RF ${vlaeReceptiveField(o)})`
}

/**
 * Refuses, in one line naming `what`, a model whose weights are not those `o` builds (a checkpoint
 * of another configuration): every weight's name and shape is compared with a fresh build's.
 */
export function checkVlae(model: LayersModel, o: VlaeOptions, what: string): void {
  const fresh = buildVlae(o)
  try {
    // Layer names within the nested models are fixed; weight names gain numeric suffixes per instance.
    const shapes = (m: LayersModel): string[] =>
      m.layers.flatMap((l) => ('layers' in l ? (l as LayersModel).layers : [l]).flatMap((sub) => sub.weights.map((w) => `${sub.name} ${w.shape.join('x')}`)))
    const want = shapes(fresh)
    const have = shapes(model)
    const diff = want.find((w, i) => have[i] !== w) ?? (have.length !== want.length ? `${want.length} weights` : undefined)
    if (diff !== undefined) throw new UserError(`${what}: its layers are not those of ${describeVlae(o)} (expected ${diff}, the checkpoint has ${have.length} weights)`)
  } finally {
    fresh.dispose()
  }
}

// log(p) of a level the softmax rounds to 0 would be -Infinity: clipped as Keras clips (epsilon 1e-7).
const EPSILON = 1e-7

/** The mu-law level of silence (amplitude 0): the past the first sample of a crop sees. */
export const silentLevel = (q: number): number => Math.floor(q / 2)

/** The decoder's teacher-forced input: levels x [N, T] shifted one step right behind silence, one-hot [N, T, q]. */
function pastOf(x: tf.Tensor2D, q: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, t] = x.shape
    const shifted = tf.concat([tf.fill([n, 1], silentLevel(q)), x.slice([0, 0], [n, t - 1])], 1)
    return tf.oneHot(tf.cast(shifted, 'int32'), q).toFloat() as tf.Tensor3D
  })
}

/** The conditional WaveNet decoder of a VLAE model: log p(x | z) over the whole crop, and ancestral sampling. */
function wavenetDecoder(model: LayersModel, o: VlaeOptions): AutoregressiveDecoder {
  const wavenet = model.getLayer('wavenet')
  const q = o.quantization
  const rf = vlaeReceptiveField(o)
  return {
    kind: 'autoregressive',
    latents: o.latents,
    dims: o.crop,
    receptiveField: rf,
    levels: q,
    logProb: (z, x) =>
      tf.tidy(() => {
        const probs = wavenet.apply([pastOf(x, q), z]) as tf.Tensor3D
        const picked = tf.sum(tf.mul(probs, tf.oneHot(tf.cast(x, 'int32'), q)), -1)
        return tf.sum(tf.log(tf.clipByValue(picked, EPSILON, 1)), -1) as tf.Tensor1D
      }),
    generate: async (z, length, opts) => generate(wavenet, o, z, length, opts)
  }
}

/**
 * Ancestral sampling of `length` levels per row of z [N, L], one step at a time: each step runs the
 * WaveNet on its last `crop` levels (its receptive field is far shorter, so the window sees all it
 * needs) and draws the next level from the softmax at `temperature`. The plain algorithm, O(length)
 * passes; the explorer's fast decoding (engine/generate/wavenet-fast.ts) is a later task's.
 */
async function generate(wavenet: tfl.layers.Layer, o: VlaeOptions, z: tf.Tensor2D, length: Samples, opts: GenerateOptions = {}): Promise<tf.Tensor2D> {
  wholeAtLeast('generate length', length)
  if (z.shape[1] !== o.latents) throw new UserError(`latent vector: ${z.shape[1]} values, but the model has ${o.latents} latents`)
  const n = z.shape[0]
  const q = o.quantization
  const temperature = opts.temperature ?? 1
  if (!(temperature > 0)) throw new UserError(`temperature: ${temperature} is not above 0`)
  const rf = vlaeReceptiveField(o)
  // Only the last rf levels matter; the window holds the model's fixed length, padded with silence.
  const levels = Array.from({ length: n }, () => new Int32Array(o.crop + length).fill(silentLevel(q)))
  for (let t = 0; t < length; t++) {
    const next = tf.tidy(() => {
      const window = new Int32Array(n * o.crop)
      levels.forEach((l, i) => window.set(l.subarray(t + 1, t + 1 + o.crop), i * o.crop))
      const probs = wavenet.apply([tf.oneHot(tf.tensor2d(window, [n, o.crop], 'int32'), q).toFloat(), z]) as tf.Tensor3D
      const last = probs.slice([0, o.crop - 1, 0], [n, 1, q]).reshape([n, q])
      return tf.multinomial(tf.div(tf.log(tf.clipByValue(last, EPSILON, 1)), temperature) as tf.Tensor2D, 1).dataSync()
    })
    levels.forEach((l, i) => (l[o.crop + t] = next[i]!))
    if (t % Math.max(1, rf) === 0) opts.onStep?.(t, length)
  }
  return tf.tensor2d(
    levels.flatMap((l) => Array.from(l.subarray(o.crop))),
    [n, length]
  )
}

/** The VAE of a built or loaded VLAE model (sharing its weights): x is [B, T] mu-law level indices. */
export function vlae(model: LayersModel, o: VlaeOptions): Vae {
  const encoder = model.getLayer('encoder')
  return new Vae({
    encoder: (x) => tf.tidy(() => encoder.apply(tf.oneHot(tf.cast(x, 'int32'), o.quantization).toFloat()) as tf.Tensor2D),
    posterior: gaussianPosterior,
    decoder: wavenetDecoder(model, o),
    prior: standardNormalPrior(o.latents)
  })
}
