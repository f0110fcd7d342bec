/**
 * conv1d with the options the stock op lacks: 'causal' padding (output t sees inputs <= t, as in
 * WaveNet) and stride and dilation both above 1. Runs the Conv2D kernel on a height-1 image, so it
 * gets our fast wasm kernels and its gradients (input and filter) like any other convolution.
 */
import { engine, pad, reshape, tidy, type Tensor, type Tensor2D, type Tensor3D, type Tensor4D } from '@tensorflow/tfjs-core'
import { UserError } from '../../util/errors'

/** How the input is padded: as TensorFlow's 'same'/'valid', or 'causal' (left only). */
export type Conv1dPadding = 'same' | 'valid' | 'causal'

/** conv1d options; all optional. */
export interface Conv1dOptions {
  /** Step between output taps, in samples (default 1). */
  stride?: number
  /** Spacing between filter taps, in samples (default 1). */
  dilation?: number
  /** Default 'valid'. */
  padding?: Conv1dPadding
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`conv1d ${name}: ${v} is not a positive integer`)
  return v
}

/**
 * Convolves x [batch, width, inC] (or [width, inC]) with filter [taps, inC, outC];
 * returns [batch, outWidth, outC] (or [outWidth, outC]).
 */
export function conv1d<T extends Tensor2D | Tensor3D>(x: T, filter: Tensor3D, options: Conv1dOptions = {}): T {
  const stride = positiveInt('stride', options.stride ?? 1)
  const dilation = positiveInt('dilation', options.dilation ?? 1)
  const padding = options.padding ?? 'valid'
  if (padding !== 'same' && padding !== 'valid' && padding !== 'causal') {
    throw new UserError(`conv1d padding: "${String(padding)}" is not one of same, valid, causal`)
  }
  if (x.rank !== 2 && x.rank !== 3) throw new UserError(`conv1d input: rank ${x.rank}, expected [batch, width, channels] or [width, channels]`)
  if (filter.rank !== 3) throw new UserError(`conv1d filter: rank ${filter.rank}, expected [taps, inChannels, outChannels]`)
  const [taps, inC, outC] = filter.shape
  const xChannels = x.shape[x.rank - 1]
  if (xChannels !== inC) throw new UserError(`conv1d: input has ${xChannels} channels, filter expects ${inC}`)
  return tidy(() => {
    const x3 = (x.rank === 2 ? reshape(x, [1, x.shape[0], x.shape[1]!]) : x) as Tensor3D
    const span = (taps - 1) * dilation
    const input = padding === 'causal' ? pad(x3, [[0, 0], [span, 0], [0, 0]]) : x3
    const [batch, width] = input.shape
    if (padding !== 'same' && width < span + 1) {
      throw new UserError(`conv1d: input width ${x3.shape[1]} is shorter than the filter span ${span + 1}`)
    }
    const y = engine().runKernel(
      'Conv2D',
      { x: reshape(input, [batch, 1, width, inC]), filter: reshape(filter, [1, taps, inC, outC]) },
      { strides: [1, stride], pad: padding === 'same' ? 'same' : 'valid', dataFormat: 'NHWC', dilations: [1, dilation] }
    ) as Tensor4D
    const out: Tensor = reshape(y, [batch, y.shape[2], outC])
    return (x.rank === 2 ? reshape(out, [out.shape[1]!, outC]) : out) as T
  })
}
