/**
 * installFastKernels(): swaps our matMul, convolution, max-pool-gradient, identity and slicing kernels in
 * for the wasm backend's stock ones (and adds the missing Conv2DBackpropFilter). Model code is
 * untouched: tf.conv1d, tf.grad and the optimizers dispatch to whatever is registered by name.
 */
import { getBackend, getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core'
import { batchMatMulConfig, fusedMatMulConfig } from './batch-matmul'
import { identityConfig } from './identity'
import { maxPoolGradConfig } from './max-pool-grad'
import { conv2dBackpropFilterConfig, conv2dBackpropInputConfig, conv2dConfig } from './conv2d'
import { sliceConfig, splitVConfig, unpackConfig } from './slice'
import { saveStockKernel, stockKernel } from './wasm-tensors'

type Config = Omit<KernelConfig, 'setupFunc' | 'disposeFunc'>

/** Every kernel we register for 'wasm'. */
const fastKernels: Config[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  conv2dConfig,
  conv2dBackpropInputConfig,
  conv2dBackpropFilterConfig,
  maxPoolGradConfig,
  identityConfig,
  sliceConfig,
  splitVConfig,
  unpackConfig
]

let installed = false

/**
 * Registers our kernels for the wasm backend (idempotent). The stock configs are kept, with their
 * setup functions, so uninstallFastKernels can put them back and our kernels can call them.
 */
export function installFastKernels(): void {
  if (installed) return
  for (const ours of fastKernels) {
    const stock = getKernel(ours.kernelName, 'wasm')
    if (stock) {
      saveStockKernel(stock)
      // Unregister first: registerKernel would warn about the overwrite.
      unregisterKernel(ours.kernelName, 'wasm')
    }
    registerKernel({ ...stock, ...ours })
  }
  installed = true
}

/** Puts the stock wasm kernels back (benchmarks compare the two; tests check both paths). */
export function uninstallFastKernels(): void {
  if (!installed) return
  for (const ours of fastKernels) {
    unregisterKernel(ours.kernelName, 'wasm')
    const stock = stockKernel(ours.kernelName)
    if (stock) registerKernel(stock)
  }
  installed = false
}

/** True when our kernels serve the current backend (so kernels accept a `dilations` attribute). */
export function fastKernelsActive(): boolean {
  return installed && getBackend() === 'wasm'
}
