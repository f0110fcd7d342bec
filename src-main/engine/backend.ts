/**
 * Chooses the TensorFlow.js backend, once, for the whole process: tfjs-node-gpu when it loads and
 * sees a CUDA device, else tfjs-node, else wasm (SIMD, with our fast kernels), else the pure-JS cpu.
 * An explicit name (the CLI's --backend) or EB_BACKEND overrides the search.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { tf } from './tf'
import { installFastKernels } from './kernels/install'
import { UserError, describeError } from '../util/errors'

/** What initBackend chose, and why each better backend was passed over. */
export interface BackendReport {
  name: string
  chosenBecause: string
  unavailable: { name: string; reason: string }[]
}

/** Canonical backend names, best first. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const
/** One of BACKEND_NAMES. */
export type BackendName = (typeof BACKEND_NAMES)[number]

const ALIASES: Record<string, BackendName> = { gpu: 'tensorflow-gpu', node: 'tensorflow' }

/** The canonical name for a user-supplied backend name or alias; UserError for anything else. */
export function parseBackendName(raw: string): BackendName {
  const name = raw.trim().toLowerCase()
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName
  const alias = ALIASES[name]
  if (alias) return alias
  throw new UserError(`unknown backend "${raw}": valid names are ${BACKEND_NAMES.join(', ')} (aliases: gpu, node)`)
}

/** A backend that loaded, or why it did not. */
type Attempt = { ok: true; detail: string } | { ok: false; reason: string }

function moduleFailure(moduleName: string, err: unknown): string {
  const code = (err as { code?: string } | null)?.code
  const message = describeError(err)
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(moduleName)) {
    return `module ${moduleName} not installed`
  }
  return `module ${moduleName} failed to load: ${message}`
}

/** The native TensorFlow backend's own flags (tfjs-node's NodeJSKernelBackend). */
interface NodeBackendFlags {
  isGPUPackage?: boolean
  isUsingGpuDevice?: boolean
}

async function tryNative(gpu: boolean): Promise<Attempt> {
  const moduleName = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
  // Both native packages register the one backend 'tensorflow': load a package only if none has.
  if (!tf.findBackendFactory('tensorflow')) {
    try {
      await import(/* @vite-ignore */ moduleName)
    } catch (err) {
      return { ok: false, reason: moduleFailure(moduleName, err) }
    }
  }
  if (!(await tf.setBackend('tensorflow'))) return { ok: false, reason: `${moduleName} loaded but its backend failed to initialise` }
  const flags = tf.backend() as unknown as NodeBackendFlags
  if (gpu) {
    if (flags.isGPUPackage !== true) return { ok: false, reason: `the loaded native backend is not ${moduleName}` }
    if (flags.isUsingGpuDevice !== true) return { ok: false, reason: 'no CUDA device' }
    return { ok: true, detail: 'native TensorFlow with a CUDA device' }
  }
  return { ok: true, detail: flags.isGPUPackage ? 'native TensorFlow (GPU package, CPU device)' : 'native TensorFlow on the CPU' }
}

async function tryWasm(): Promise<Attempt> {
  const moduleName = '@tensorflow/tfjs-backend-wasm'
  try {
    const wasm = await import(/* @vite-ignore */ moduleName)
    // In Node the .wasm binaries are read from the package's dist folder (where its main entry lives).
    const dist = path.dirname(createRequire(import.meta.url).resolve(moduleName))
    wasm.setWasmPaths(dist + path.sep)
  } catch (err) {
    return { ok: false, reason: moduleFailure(moduleName, err) }
  }
  try {
    if (!(await tf.setBackend('wasm'))) return { ok: false, reason: 'the WebAssembly module failed to initialise' }
  } catch (err) {
    return { ok: false, reason: `the WebAssembly module failed to initialise: ${describeError(err)}` }
  }
  installFastKernels()
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT')
  return { ok: true, detail: `WebAssembly${simd ? ' with SIMD' : ' without SIMD'}, fast matMul/conv kernels installed` }
}

async function tryCpu(): Promise<Attempt> {
  if (!(await tf.setBackend('cpu'))) return { ok: false, reason: 'the cpu backend failed to initialise' }
  return { ok: true, detail: 'pure JavaScript' }
}

function attempt(name: BackendName): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryNative(true)
    case 'tensorflow':
      return tryNative(false)
    case 'wasm':
      return tryWasm()
    case 'cpu':
      return tryCpu()
  }
}

let current: { request: string; report: BackendReport } | undefined
/** Calls run one after another: two jobs starting at once must not interleave setBackend calls. */
let queue: Promise<unknown> = Promise.resolve()

/**
 * Chooses and initialises the backend. `preferred` (a name or alias) wins over EB_BACKEND, which
 * wins over the automatic search. Idempotent: asking again for the same choice returns the same
 * report without reloading anything.
 */
export function initBackend(preferred?: string): Promise<BackendReport> {
  const next = queue.then(() => choose(preferred))
  queue = next.catch(() => undefined)
  return next
}

async function choose(preferred: string | undefined): Promise<BackendReport> {
  const raw = preferred ?? process.env.EB_BACKEND
  const requested = raw !== undefined && raw.trim() !== '' ? parseBackendName(raw) : undefined
  const request = requested ?? 'auto'
  if (current && current.request === request && tf.getBackend() === backendKey(current.report.name)) return current.report
  const report = requested ? await initRequested(requested, raw === preferred ? 'requested' : 'EB_BACKEND') : await initAuto()
  current = { request, report }
  return report
}

/** The tfjs backend key behind one of our names (both native packages register 'tensorflow'). */
function backendKey(name: string): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name
}

async function initRequested(name: BackendName, source: string): Promise<BackendReport> {
  const result = await attempt(name)
  if (!result.ok) throw new UserError(`backend "${name}" cannot load: ${result.reason}`)
  return { name, chosenBecause: `${source} (${result.detail})`, unavailable: [] }
}

async function initAuto(): Promise<BackendReport> {
  const unavailable: BackendReport['unavailable'] = []
  for (const name of BACKEND_NAMES) {
    const result = await attempt(name)
    if (result.ok) {
      const passed = unavailable.length === 0 ? 'the best available' : `the best available after ${unavailable.map((u) => u.name).join(', ')}`
      return { name, chosenBecause: `${passed}: ${result.detail}`, unavailable }
    }
    unavailable.push({ name, reason: result.reason })
  }
  throw new UserError(`no TensorFlow.js backend could load: ${unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ')}`)
}
