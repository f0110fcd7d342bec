/** The backend chooser: names, aliases, EB_BACKEND, reasons for skipped backends, idempotence. */
import { createRequire } from 'node:module'
import { afterEach, describe, expect, it } from 'vitest'
import { tf } from '../../../src-main/engine/tf'
import { BACKEND_NAMES, initBackend, parseBackendName } from '../../../src-main/engine/backend'
import { UserError } from '../../../src-main/util/errors'

const require = createRequire(import.meta.url)
function installed(name: string): boolean {
  try {
    require.resolve(name)
    return true
  } catch {
    return false
  }
}
const nativeAbsent = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu')

afterEach(() => {
  delete process.env.EB_BACKEND
})

describe('parseBackendName', () => {
  it('accepts names and aliases, case-insensitively', () => {
    for (const n of BACKEND_NAMES) expect(parseBackendName(n)).toBe(n)
    expect(parseBackendName('gpu')).toBe('tensorflow-gpu')
    expect(parseBackendName(' Node ')).toBe('tensorflow')
    expect(parseBackendName('WASM')).toBe('wasm')
  })

  it('rejects an unknown name with a UserError listing the valid ones', () => {
    expect(() => parseBackendName('webgl')).toThrow(UserError)
    expect(() => parseBackendName('webgl')).toThrow('unknown backend "webgl": valid names are tensorflow-gpu, tensorflow, wasm, cpu (aliases: gpu, node)')
  })
})

describe('initBackend', () => {
  it.runIf(nativeAbsent)('chooses wasm automatically and says why each native backend was skipped', async () => {
    const report = await initBackend()
    expect(report.name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(report.chosenBecause).toMatch(/WebAssembly/)
    expect(report.unavailable).toEqual([
      { name: 'tensorflow-gpu', reason: 'module @tensorflow/tfjs-node-gpu not installed' },
      { name: 'tensorflow', reason: 'module @tensorflow/tfjs-node not installed' }
    ])
    expect(await initBackend()).toBe(report) // idempotent: the same report, nothing reloaded
  })

  it('honours an explicit name, and EB_BACKEND when no name is given', async () => {
    const cpu = await initBackend('cpu')
    expect(cpu.name).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(cpu.chosenBecause).toMatch(/^requested/)
    process.env.EB_BACKEND = 'wasm'
    const wasm = await initBackend()
    expect(wasm.name).toBe('wasm')
    expect(wasm.chosenBecause).toMatch(/^EB_BACKEND/)
    expect((await initBackend('cpu')).name).toBe('cpu') // the argument wins over the environment
  })

  it('serialises concurrent calls', async () => {
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('cpu')])
    expect(a).toBe(b)
    expect(tf.getBackend()).toBe('cpu')
  })

  it('rejects an unknown EB_BACKEND', async () => {
    process.env.EB_BACKEND = 'tpu'
    await expect(initBackend()).rejects.toThrow(/unknown backend "tpu"/)
  })

  it.runIf(nativeAbsent)('names a requested backend that cannot load, and why', async () => {
    await expect(initBackend('gpu')).rejects.toThrow(UserError)
    await expect(initBackend('gpu')).rejects.toThrow('backend "tensorflow-gpu" cannot load: module @tensorflow/tfjs-node-gpu not installed')
    await expect(initBackend('node')).rejects.toThrow('backend "tensorflow" cannot load: module @tensorflow/tfjs-node not installed')
  })
})
