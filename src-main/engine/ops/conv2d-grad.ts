/**
 * The Conv2D gradient, replacing tfjs-core's, which refuses dilation > 1 (so no dilated conv1d,
 * e.g. a WaveNet stack, could train). With our wasm kernels active the dilation is passed straight
 * to them; elsewhere a dilated filter equals a plain filter with zeros between its taps, so the
 * stock backprop kernels run on that zero-stuffed filter and the filter gradient is read back at
 * the tap positions.
 */
import { engine, pad, registerGradient, reshape, slice, stridedSlice, unregisterGradient, type GradConfig, type NamedAttrMap, type Tensor, type Tensor4D } from '@tensorflow/tfjs-core'
import { fastKernelsActive } from '../kernels/install'

function pair(v: unknown): [number, number] {
  if (typeof v === 'number') return [v, v]
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])]
  return [1, 1]
}

/** The filter with dilation-1 zeros between taps: [(kh-1)dh+1, (kw-1)dw+1, inC, outC]. */
export function zeroStuffFilter(filter: Tensor4D, dh: number, dw: number): Tensor4D {
  const [kh, kw, inC, outC] = filter.shape
  const spaced = pad(reshape(filter, [kh, 1, kw, 1, inC, outC]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]])
  const full = reshape(spaced, [kh * dh, kw * dw, inC, outC])
  return slice(full, [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, inC, outC]) as Tensor4D
}

function gradFunc(dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap): Record<string, () => Tensor> {
  const dy4 = dy as Tensor4D
  const [x, filter] = saved as [Tensor4D, Tensor4D]
  const { strides, pad: padding, dataFormat, dimRoundingMode } = attrs
  const [dh, dw] = pair(attrs.dilations)
  const common = { strides, pad: padding, dataFormat, dimRoundingMode } as NamedAttrMap
  const run = (name: string, inputs: Record<string, Tensor>, extra: NamedAttrMap): Tensor =>
    engine().runKernel(name, inputs, { ...common, ...extra }) as Tensor
  if ((dh === 1 && dw === 1) || fastKernelsActive()) {
    const dilations = [dh, dw]
    return {
      x: () => run('Conv2DBackpropInput', { dy: dy4, filter }, { inputShape: x.shape, dilations }),
      filter: () => run('Conv2DBackpropFilter', { x, dy: dy4 }, { filterShape: filter.shape, dilations })
    }
  }
  return {
    x: () => run('Conv2DBackpropInput', { dy: dy4, filter: zeroStuffFilter(filter, dh, dw) }, { inputShape: x.shape }),
    filter: () => {
      const [kh, kw, inC, outC] = filter.shape
      const stuffed = [(kh - 1) * dh + 1, (kw - 1) * dw + 1, inC, outC]
      const dStuffed = run('Conv2DBackpropFilter', { x, dy: dy4 }, { filterShape: stuffed })
      return stridedSlice(dStuffed, [0, 0, 0, 0], stuffed, [dh, dw, 1, 1])
    }
  }
}

/** Our Conv2D gradient config (inputs saved: x, filter). */
export const conv2dGradConfig: GradConfig = { kernelName: 'Conv2D', inputsToSave: ['x', 'filter'], gradFunc }

// Unregister first: registerGradient would warn about overriding tfjs-core's.
unregisterGradient('Conv2D')
registerGradient(conv2dGradConfig)
