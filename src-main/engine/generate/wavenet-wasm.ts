/**
 * The fast WaveNet step in WebAssembly SIMD (simd/wavenet-step.c, built by `npm run kernels` into
 * simd/wavenet-step-wasm.ts): the same per-sample arithmetic as the JS kernel (wavenet-kernel.ts),
 * over the same packed weights, in float32 and 128-bit vectors, ~5x its multiply-add rate (V8 tops
 * out near 2 G MAC/s on the JS loops). One call per sample for all B streams.
 *
 * Memory: each stepper holds one instance of the module, taken from a pool and given back by
 * `dispose()`, so many generators reuse a few instances and their memories instead of leaving one
 * per generation to the garbage collector (a wasm memory only grows; a reused one keeps its size).
 * The stepper lays out every buffer (weights, queues, scratch) in the instance's memory once, fills
 * the kernel's Net and Layer records (all int32 and pointer fields, 4 bytes each) and only writes
 * the fed levels per step. Local conditioning: under repetition the frame is written and projected
 * into every layer's bias once per frame; under the learned transposed conv the frame is written
 * at its start and each sample's upsampling tap and projection run in the kernel.
 */
import { WAVENET_STEP_WASM_BASE64 } from './simd/wavenet-step-wasm'
import { conditioningBias, localChangesAt, upsampleLocal, type WavenetPlan, type WavenetStepper } from './wavenet-kernel'

/** The little of the WebAssembly JS API used here (the node tsconfig's lib has no DOM types for it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: unknown }
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

/** What the kernel module exports. */
interface KernelExports {
  memory: WasmMemory
  __heap_base: { value: number }
  wn_step(net: number): void
  wn_local(net: number, tap: number): void
}

/** Words in the kernel's Net record (see wavenet-step.c) and in each Layer record. */
const NET_WORDS = 33
const LAYER_WORDS = 10
/** Bytes per wasm memory page. */
const PAGE = 65536
/** Idle instances kept for reuse; more are left to the garbage collector. */
const MAX_IDLE = 4

/** The compiled module; null where WebAssembly SIMD is unavailable; undefined until first asked. */
let compiled: object | null | undefined

function kernelModule(): object | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(WAVENET_STEP_WASM_BASE64, 'base64')
    // No WebAssembly at all (a jitless runtime) counts as no SIMD: the JS kernel runs.
    compiled = typeof wasmApi?.validate === 'function' && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null
  }
  return compiled
}

/** Whether this runtime runs WebAssembly SIMD (128-bit); without it, fast generation uses the JS kernel. */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null
}

const idle: KernelExports[] = []
let instantiated = 0

/** The instance pool's counts: instances ever created, idle ones, and the idle ones' memory in bytes. */
export function wasmKernelPool(): { instantiated: number; idle: number; idleBytes: number } {
  return { instantiated, idle: idle.length, idleBytes: idle.reduce((n, k) => n + k.memory.buffer.byteLength, 0) }
}

function acquire(): KernelExports {
  const reused = idle.pop()
  if (reused) return reused
  const module = kernelModule()
  if (!module) throw new Error('fast WaveNet generation: this runtime has no WebAssembly SIMD; use the JS kernel')
  instantiated++
  return new wasmApi!.Instance(module, {}).exports as KernelExports
}

/** Byte offsets handed out upward from a start, each 16-byte aligned (one SIMD vector). */
class Layout {
  constructor(public end: number) {}
  /** Room for `count` 4-byte values (floats, int32s or pointers). */
  words(count: number): number {
    const at = Math.ceil(this.end / 16) * 16
    this.end = at + 4 * Math.max(1, count)
    return at
  }
}

/** B streams stepped together by the wasm SIMD kernel (see the file's note); same contract as WavenetBatch. */
export class WasmWavenetBatch implements WavenetStepper {
  readonly probs: Float32Array
  private readonly kernel: KernelExports
  private readonly netAt: number
  private readonly levelIn: Int32Array
  /** Under repetition the upsampled local conditioning, under learned upsampling the current frame ([batch][localChannels]). */
  private readonly localFrame?: Float32Array
  private readonly learned: boolean
  private t = 0
  private disposed = false

  /** `global[s]` and `local[s]` (frames x channels, row-major) as checkGeneration accepted them. */
  constructor(
    readonly plan: WavenetPlan,
    readonly batch: number,
    global: ArrayLike<number>[] | undefined,
    private readonly local: Float32Array[] | undefined
  ) {
    const B = batch
    const net = plan.net
    const { residualChannels: rc, dilationChannels: dc, skipChannels: sc, filterWidth: fw, initialFilterWidth: iw } = net
    const q = net.sig.quantization
    const lc = local ? net.sig.localChannels : 0
    const widest = Math.max(...plan.layers.map((l) => l.out.n))
    this.kernel = acquire()
    const k = this.kernel
    const mem = new Layout(k.__heap_base.value >>> 0)
    // Offsets first, then one grow, then the views (a grow detaches earlier views).
    const at = {
      net: mem.words(NET_WORDS),
      layers: mem.words(LAYER_WORDS * plan.layers.length),
      inputTable: mem.words(iw * q * rc),
      inputBias: mem.words(rc),
      levels: mem.words(B * iw),
      levelIn: mem.words(B),
      x: mem.words(B * rc),
      taps: mem.words(B * fw * rc),
      fg: mem.words(B * 2 * dc),
      z: mem.words(B * dc),
      rs: mem.words(B * widest),
      skip: mem.words(B * sc),
      skipBias: mem.words(sc),
      hidden: mem.words(B * sc),
      post1: mem.words(plan.post1.w.length),
      post1Bias: mem.words(sc),
      post2: mem.words(plan.post2.w.length),
      post2Bias: mem.words(q),
      probs: mem.words(B * q),
      localFrame: mem.words(B * lc),
      zeros: mem.words(widest),
      upsample: plan.upsample && local ? mem.words(plan.upsample.reduce((n, p) => n + p.w.length, 0)) : 0,
      upsampleBias: mem.words(lc),
      frame: mem.words(B * lc)
    }
    const layers = plan.layers.map((l) => {
      const len = (fw - 1) * l.dilation + 1
      const cond = mem.words(B * 2 * dc)
      return {
        len,
        ring: mem.words(B * len * rc),
        fg: mem.words(l.filterGate.w.length),
        cond,
        bias: l.local && local ? mem.words(B * 2 * dc) : cond,
        local: l.local && local ? mem.words(l.local.w.length) : 0,
        out: mem.words(l.out.w.length),
        resBias: mem.words(l.residual)
      }
    })
    const start = k.__heap_base.value >>> 0
    const bytes = k.memory.buffer.byteLength
    if (mem.end > bytes) k.memory.grow(Math.ceil((mem.end - bytes) / PAGE))
    const f32 = new Float32Array(k.memory.buffer)
    const i32 = new Int32Array(k.memory.buffer)
    f32.fill(0, start / 4, Math.ceil(mem.end / 4)) // a reused instance starts from zeros too
    const put = (offset: number, values: ArrayLike<number>): void => f32.set(values, offset / 4)
    const cond = conditioningBias(plan, B, global)
    i32.set([B, rc, dc, sc, q, fw, iw, plan.layers.length, lc, 0], at.net / 4)
    i32.set(
      [at.inputTable, at.inputBias, at.levels, at.levelIn, at.x, at.taps, at.fg, at.z, at.rs, at.skip, at.skipBias, at.hidden, at.post1, at.post1Bias, at.post2, at.post2Bias, at.probs, at.localFrame, at.zeros, at.layers],
      at.net / 4 + 10
    )
    i32.set([at.upsample, at.upsampleBias, at.frame], at.net / 4 + 30)
    if (at.upsample) {
      let to = at.upsample
      for (const tap of plan.upsample!) {
        put(to, tap.w)
        to += tap.w.length * 4
      }
      put(at.upsampleBias, net.upsampleBias!)
    }
    plan.inputTable.forEach((table, tap) => put(at.inputTable + tap * q * rc * 4, table))
    put(at.inputBias, plan.inputBias)
    put(at.skipBias, plan.skipBias)
    put(at.post1, plan.post1.w)
    put(at.post1Bias, plan.post1Bias)
    put(at.post2, plan.post2.w)
    put(at.post2Bias, plan.post2Bias)
    plan.layers.forEach((l, li) => {
      const o = layers[li]!
      put(o.fg, l.filterGate.w)
      put(o.cond, cond[li]!)
      if (o.local) put(o.local, l.local!.w)
      put(o.out, l.out.w)
      put(o.resBias, l.residualBias)
      i32.set([l.dilation, o.len, o.ring, o.fg, o.bias, o.cond, o.local, o.out, l.residual, o.resBias], at.layers / 4 + li * LAYER_WORDS)
    })
    this.netAt = at.net
    this.probs = new Float32Array(k.memory.buffer, at.probs, B * q)
    this.levelIn = new Int32Array(k.memory.buffer, at.levelIn, B)
    if (local) this.localFrame = new Float32Array(k.memory.buffer, at.upsample ? at.frame : at.localFrame, B * lc)
    this.learned = at.upsample !== 0
  }

  step(levelOf: ArrayLike<number>): void {
    if (this.disposed) throw new Error('WasmWavenetBatch: stepped after dispose()')
    for (let s = 0; s < this.batch; s++) this.levelIn[s] = levelOf[s]!
    const t = this.t++
    const net = this.plan.net
    if (this.local && localChangesAt(net, t)) {
      const hop = net.sig.localHop
      const tap = t % hop
      // Learned upsampling: the frame is copied at its start and its taps computed in the kernel.
      if (!this.learned) upsampleLocal(net, this.local, t, this.localFrame!)
      else if (tap === 0) {
        const c = net.sig.localChannels
        const from = (t / hop) * c
        this.local.forEach((l, s) => this.localFrame!.set(l.subarray(from, from + c), s * c))
      }
      this.kernel.wn_local(this.netAt, tap)
    }
    this.kernel.wn_step(this.netAt)
  }

  /** Gives the instance back to the pool; `probs` is not to be read after this. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    if (idle.length < MAX_IDLE) idle.push(this.kernel)
  }
}
