/**
 * MaxPoolGrad for wasm. The stock wasm kernel disagrees with the cpu backend (and with the
 * definition) on every case we tried, so this one routes each dy to the first maximum of its
 * window (in row-major order, padding excluded), recomputed from the input. Plain JS over the
 * heap: pooling gradients cost one pass over the windows, small next to the convolutions.
 */
import { backend_util, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core'
import { alloc, view, type WasmBackend } from './wasm-tensors'

const maxPoolGrad: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as WasmBackend
  const dy = inputs.dy!
  const input = inputs.input!
  const a = attrs as unknown as {
    filterSize: number | [number, number]
    strides: number | [number, number]
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
    dimRoundingMode?: 'floor' | 'round' | 'ceil'
  }
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode)
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info
  const padTop = info.padInfo.top
  const padLeft = info.padInfo.left
  const dx = alloc(backend, input.shape)
  const x = view(backend, input)
  const g = view(backend, dy)
  const out = view(backend, dx)
  out.fill(0)
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      // The window clipped to the input: padding taps never win.
      const y0 = Math.max(0, oy * strideHeight - padTop)
      const y1 = Math.min(inHeight, oy * strideHeight - padTop + filterHeight)
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = Math.max(0, ox * strideWidth - padLeft)
        const x1 = Math.min(inWidth, ox * strideWidth - padLeft + filterWidth)
        if (y0 >= y1 || x0 >= x1) continue
        const dyBase = ((n * outHeight + oy) * outWidth + ox) * c
        for (let ch = 0; ch < c; ch++) {
          let at = ((n * inHeight + y0) * inWidth + x0) * c + ch
          let best = x[at]!
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = iy === y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const i = ((n * inHeight + iy) * inWidth + ix) * c + ch
              if (x[i]! > best) {
                best = x[i]!
                at = i
              }
            }
          }
          out[at]! += g[dyBase + ch]!
        }
      }
    }
  }
  return dx
}

/** Our MaxPoolGrad for the wasm backend. */
export const maxPoolGradConfig: Omit<KernelConfig, 'setupFunc' | 'disposeFunc'> = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad
}
