/**
 * conv1d with the options the stock op lacks: 'causal' padding (output t sees inputs <= t, as in
 * WaveNet) and stride and dilation both above 1. Runs the Conv2D kernel on a height-1 image, so it
 * gets our fast wasm kernels and its gradients (input and filter) like any other convolution;
 * stride-1 convolutions with many taps and wide channels (the texture method's shape) go through
 * the frequency domain instead (fourier-conv1d.ts), forward and both gradients.
 */
import { add, engine, pad, reshape, stack, tidy, unstack, type GradSaveFunc, type Tensor, type Tensor2D, type Tensor3D, type Tensor4D } from '@tensorflow/tfjs-core'
import { UserError } from '../../util/errors'
import {
  FilterSpectrum,
  fourierConvFilterGradOf,
  fourierConvInputGrad,
  fourierConvOf,
  InputSpectrum,
  fourierPlan,
  outputWidth,
  type FourierPlan,
  type RowPadding
} from './fourier-conv1d'

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
  /** 'auto' (default) takes the frequency-domain route where fourierPlan says it saves work. */
  route?: 'auto' | 'direct' | 'fourier'
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
  const route = options.route ?? 'auto'
  const plan = stride === 1 && dilation === 1 && route !== 'direct' ? fourierPlan(taps, inC, outC, route === 'fourier') : undefined
  return tidy(() => {
    const x3 = (x.rank === 2 ? reshape(x, [1, x.shape[0], x.shape[1]!]) : x) as Tensor3D
    const span = (taps - 1) * dilation
    if (plan !== undefined) {
      const padding3: RowPadding = padding === 'causal' ? [span, 0] : padding === 'same' ? [span >> 1, span - (span >> 1)] : [0, 0]
      if (outputWidth(plan, x3.shape[1], padding3) < 1) {
        throw new UserError(`conv1d: input width ${x3.shape[1]} is shorter than the filter span ${taps}`)
      }
      const out = fourierConv1d(x3, filter, plan, padding3)
      return (x.rank === 2 ? reshape(out, [out.shape[1], outC]) : out) as T
    }
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

/**
 * tfjs's engine entry for an op with its own gradient. Unlike the public customGrad, whose gradient
 * function must return every input's gradient at once, this takes one lazy function per input,
 * and the engine calls only those the tape needs: with fixed filters (style on a trained net) the
 * filter gradient is never computed. It is a private method in tfjs-core 4's typings (public
 * customGrad is built on it), so a version bump that removes it fails the conv1d tests loudly.
 */
interface KernelFuncEngine {
  runKernelFunc(invocation: {
    forwardFunc: (backend: unknown, save: GradSaveFunc) => Tensor
    backwardsFunc: (dy: Tensor, saved: Tensor[]) => Record<string, () => Tensor>
    inputs: Record<string, Tensor>
  }): Tensor
}

/**
 * The frequency-domain route over a batch, with its own gradients. The filter spectrum is built
 * once per call, and each item's input spectrum once per item; when a tape records, both are
 * saved (the engine frees saved tensors after the backward pass, and saves nothing when no tape
 * records): the input gradient needs the filter spectrum, the filter gradient the input spectra,
 * so neither transform is repeated in the backward pass. The batch runs item by item, and the
 * filter gradient sums over items.
 */
function fourierConv1d(x: Tensor3D, filter: Tensor3D, plan: FourierPlan, padding: RowPadding): Tensor3D {
  const [batch, width, inC] = x.shape
  const outC = filter.shape[2]
  const outputs = outputWidth(plan, width, padding)
  const forwardFunc = (_backend: unknown, save: GradSaveFunc): Tensor => {
    const spectrum = FilterSpectrum.of(filter, inC, outC, plan)
    const inputs = unstack(x).map((item) => InputSpectrum.of(item as Tensor2D, plan, padding))
    save([...spectrum.perBin, ...inputs.map((s) => s.blocks)])
    const items = inputs.map((s) => fourierConvOf(s, spectrum))
    spectrum.dispose()
    for (const s of inputs) s.dispose()
    return stack(items)
  }
  const backwardsFunc = (dy: Tensor, saved: Tensor[]): Record<string, () => Tensor> => {
    const bins = saved.slice(0, plan.bins) as Tensor2D[]
    const blocks = saved.slice(plan.bins) as Tensor3D[]
    if (blocks.length !== batch) throw new Error(`conv1d: ${blocks.length} saved input spectra for a batch of ${batch}`)
    return {
      x: () =>
        tidy(() => {
          const spectrum = FilterSpectrum.fromBins(plan, inC, outC, bins)
          return stack(unstack(dy).map((d) => fourierConvInputGrad(d as Tensor2D, spectrum, width, padding)))
        }),
      filter: () =>
        tidy(() =>
          unstack(dy)
            .map((d, i) => fourierConvFilterGradOf(InputSpectrum.fromBlocks(plan, outputs, blocks[i]!), d as Tensor2D))
            .reduce((a, b) => add(a, b) as Tensor3D)
        )
    }
  }
  return (engine() as unknown as KernelFuncEngine).runKernelFunc({ forwardFunc, backwardsFunc, inputs: { x, filter } }) as Tensor3D
}
