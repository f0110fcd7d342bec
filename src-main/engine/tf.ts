/**
 * The one place the project imports TensorFlow.js from: `import { tf } from '../engine/tf'`.
 *
 * Side effects, in order: the pure-JS cpu backend is registered (always available, the fallback
 * and the tests' reference), tfjs-core's gradient registrations and chained ops are loaded, and our
 * own Conv2D gradient (which also handles dilation) replaces the stock one.
 */
import { register } from 'node:module'
import '@tensorflow/tfjs-backend-cpu'

/**
 * tfjs-core's Node bundle ships no gradients; they exist only as its per-file ES modules, whose
 * imports omit the `.js` extension (and `../gradients` names both a file and a folder). Node's ES
 * loader refuses both, so this resolve hook, scoped to files inside tfjs-core/dist, adds the
 * extension. Written inline as a data: URL so it survives bundling (electron-vite) unchanged.
 */
const tfjsCoreResolveHook = `
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent && parent.includes('/@tensorflow/tfjs-core/dist/') && /^\\.\\.?\\//.test(specifier) && !specifier.endsWith('.js')) {
    for (const suffix of ['.js', '/index.js']) {
      const url = new URL(specifier + suffix, parent);
      if (existsSync(fileURLToPath(url))) return { url: url.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}`

if (typeof register === 'function') register('data:text/javascript,' + encodeURIComponent(tfjsCoreResolveHook))
await import('@tensorflow/tfjs-core/dist/register_all_gradients.js')
await import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js')
await import('./ops/conv2d-grad')

export * as tf from '@tensorflow/tfjs-core'
/** The Layers API (Keras-style models), loaded after the core set-up above so its ops use our kernels. */
export * as tfl from '@tensorflow/tfjs-layers'
