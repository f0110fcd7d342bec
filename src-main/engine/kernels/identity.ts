/**
 * Identity for wasm without the copy: the output shares the input's buffer under a reference
 * count, as the cpu backend's Identity does (tensors are immutable, so sharing is safe). tfjs's
 * engine clones every tensor it saves for the backward pass, so the stock copying kernel cost
 * ~2 ms per tagger training step.
 */
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core'
import type { WasmBackend } from './wasm-tensors'

const identity: KernelFunc = ({ inputs, backend }) => {
  const x = inputs.x!
  ;(backend as WasmBackend).incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/** Our Identity for the wasm backend. */
export const identityConfig: Omit<KernelConfig, 'setupFunc' | 'disposeFunc'> = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity
}
