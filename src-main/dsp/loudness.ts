import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { UserError } from '../util/errors'
import type { Decibels, Hz } from '../util/units'

/**
 * Loudness by ITU-R BS.1770-4 / EBU R128 (K-weighting, 400 ms blocks, absolute -70 LUFS and relative
 * -10 LU gates) and true peak (4x oversampled, BS.1770 Annex 2), from `ebur128-wasm`: the Rust
 * `ebur128` crate, which passes the EBU Tech 3341/3342 conformance sets, compiled to WebAssembly.
 */
export interface LoudnessMeter {
  /** Integrated loudness in LUFS of mono or per-channel audio; -Infinity when every block is gated out (silence). */
  integrated(channels: Float32Array[], sampleRate: Hz): number
  /** True peak in dBTP (the maximum over channels); -Infinity for digital silence. */
  truePeak(channels: Float32Array[], sampleRate: Hz): Decibels
}

/** The WebAssembly API as used here (tsconfig.node has no DOM lib, which is where its types live). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: Record<string, object>) => { exports: object }
}
const wasmApi = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly

interface Glue {
  __bind(exports: object): void
  ebur128_integrated_mono(sr: number, x: Float32Array): number
  ebur128_integrated_stereo(sr: number, l: Float32Array, r: Float32Array): number
  ebur128_true_peak_mono(sr: number, x: Float32Array): number
  ebur128_true_peak_stereo(sr: number, l: Float32Array, r: Float32Array): number
}

let loading: Promise<LoudnessMeter> | undefined

/** The loudness meter, loaded once per process (the WebAssembly module is compiled on first use). */
export function loudnessMeter(): Promise<LoudnessMeter> {
  loading ??= load()
  return loading
}

async function load(): Promise<LoudnessMeter> {
  // The package ships only wasm-bindgen's bundler build, whose glue imports the .wasm file as an ES
  // module (Node 20 needs a flag for that). We load the package's own glue unchanged except for that
  // one import, which becomes a setter we call with the instance we compile here.
  const dir = dirname(createRequire(import.meta.url).resolve('ebur128-wasm/package.json'))
  const module = new wasmApi.Module(readFileSync(join(dir, 'ebur128_wasm_bg.wasm')))
  const source = readFileSync(join(dir, 'ebur128_wasm_bg.js'), 'utf8')
  const bound = source.replace(/^import \* as wasm from '\.\/ebur128_wasm_bg\.wasm';$/m, 'let wasm; export function __bind(w) { wasm = w; }')
  if (bound === source) throw new Error('ebur128-wasm: unexpected glue code (the package changed); cannot bind its WebAssembly module')
  const glue = (await import(/* @vite-ignore */ `data:text/javascript;base64,${Buffer.from(bound).toString('base64')}`)) as Glue
  const instance = new wasmApi.Instance(module, { './ebur128_wasm_bg.js': glue })
  glue.__bind(instance.exports)
  return {
    integrated(channels, sampleRate) {
      checkChannels(channels, sampleRate)
      const v = channels.length === 1 ? glue.ebur128_integrated_mono(sampleRate, channels[0]!) : glue.ebur128_integrated_stereo(sampleRate, channels[0]!, channels[1]!)
      // The crate reports fully gated (silent) input as a very negative or non-finite number.
      return Number.isFinite(v) && v > -200 ? v : -Infinity
    },
    truePeak(channels, sampleRate) {
      checkChannels(channels, sampleRate)
      const v = channels.length === 1 ? glue.ebur128_true_peak_mono(sampleRate, channels[0]!) : glue.ebur128_true_peak_stereo(sampleRate, channels[0]!, channels[1]!)
      return Number.isFinite(v) && v > -400 ? v : -Infinity
    }
  }
}

function checkChannels(channels: Float32Array[], sampleRate: Hz): void {
  if (channels.length < 1 || channels.length > 2) throw new UserError(`loudness: ${channels.length} channels (BS.1770 here measures mono or stereo)`)
  if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 384_000) throw new UserError(`loudness: sample rate ${sampleRate} Hz is outside 8000..384000`)
  if (channels.some((c) => c.length !== channels[0]!.length)) throw new UserError('loudness: channels differ in length')
}
