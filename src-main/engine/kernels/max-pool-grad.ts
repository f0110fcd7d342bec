/**
 * MaxPoolGrad for wasm. The stock wasm kernel disagrees with the cpu backend (and with the
 * definition) on every case we tried, so this one routes each dy to the first maximum of its
 * window, recomputed from the input. Plain JS over the heap: pooling gradients cost one pass over
 * the windows, small next to the convolutions around them.
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
  const best = new Float32Array(c)
  const at = new Int32Array(c)
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        best.fill(-Infinity)
        at.fill(-1)
        for (let ky = 0; ky < filterHeight; ky++) {
          const iy = oy * strideHeight - padTop + ky
          if (iy < 0 || iy >= inHeight) continue
          for (let kx = 0; kx < filterWidth; kx++) {
            const ix = ox * strideWidth - padLeft + kx
            if (ix < 0 || ix >= inWidth) continue
            const base = ((n * inHeight + iy) * inWidth + ix) * c
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!
              if (v > best[ch]! || at[ch] === -1) {
                best[ch] = v
                at[ch] = base + ch
              }
            }
          }
        }
        const dyBase = ((n * outHeight + oy) * outWidth + ox) * c
        for (let ch = 0; ch < c; ch++) if (at[ch]! >= 0) out[at[ch]!]! += g[dyBase + ch]!
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
