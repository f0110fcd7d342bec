/**
 * 1-D max and average pooling over [batch, width, channels], as 2-D pooling of a height-1 image
 * (tfjs-core has no 1-D pooling op); gradients come from the MaxPool/AvgPool gradient kernels.
 */
import { avgPool, maxPool, reshape, tidy, type Tensor3D, type Tensor4D } from '@tensorflow/tfjs-core'
import { UserError } from '../../util/errors'

function pool1d(kind: 'max' | 'avg', x: Tensor3D, size: number, stride: number, padding: 'valid' | 'same'): Tensor3D {
  if (!Number.isInteger(size) || size < 1) throw new UserError(`${kind}Pool1d size: ${size} is not a positive integer`)
  if (!Number.isInteger(stride) || stride < 1) throw new UserError(`${kind}Pool1d stride: ${stride} is not a positive integer`)
  if (x.rank !== 3) throw new UserError(`${kind}Pool1d input: rank ${x.rank}, expected [batch, width, channels]`)
  return tidy(() => {
    const [batch, width, channels] = x.shape
    const x4 = reshape(x, [batch, 1, width, channels]) as Tensor4D
    const y = kind === 'max' ? maxPool(x4, [1, size], [1, stride], padding) : avgPool(x4, [1, size], [1, stride], padding)
    return reshape(y, [batch, y.shape[2], channels]) as Tensor3D
  })
}

/** Max over windows of `size` samples every `stride` (default: size) samples. */
export function maxPool1d(x: Tensor3D, size: number, stride = size, padding: 'valid' | 'same' = 'valid'): Tensor3D {
  return pool1d('max', x, size, stride, padding)
}

/** Mean over windows of `size` samples every `stride` (default: size) samples. */
export function avgPool1d(x: Tensor3D, size: number, stride = size, padding: 'valid' | 'same' = 'valid'): Tensor3D {
  return pool1d('avg', x, size, stride, padding)
}
