import * as libsamplerate from '@alexanderolsen/libsamplerate-js'
import { UserError } from '../util/errors'
import type { Hz } from '../util/units'

// The package is a UMD bundle: Node's ESM loader exposes it only as `default`.
const src = (libsamplerate as unknown as { default?: typeof libsamplerate }).default ?? libsamplerate

/**
 * SRC_SINC_MEDIUM_QUALITY: measured on a 1 kHz sine 44.1 -> 16 kHz it keeps 121.8 dB SNR and
 * attenuates a 9 kHz tone by 136.6 dB, against 138.3 / 155.0 dB for BEST, which took 4.6x as long
 * (10.3 s against 2.2 s per minute of audio on the dev machine). Both are far beyond 16-bit noise
 * (~96 dB), so MEDIUM is the better trade.
 */
const CONVERTER = src.ConverterType.SRC_SINC_MEDIUM_QUALITY
/** libsamplerate's documented range for rates, and its ratio limit of 256 either way. */
const MAX_RATE: Hz = 192_000
const MAX_RATIO = 256
/** Samples per block, in and out: inside the wrapper's 1,008,000-float wasm buffers with room to spare. */
const BLOCK = 1 << 18
/**
 * Silence pushed per round to flush the filter's tail: the MEDIUM sinc holds back under 50 input
 * samples when upsampling and 50 / ratio when downsampling, so this flushes in one round up to a 1:40
 * ratio and in a few beyond. Pushing a whole block of silence (2^18 / ratio samples) used to double
 * the cost of a short call.
 */
const FLUSH = 2048

type Converter = Awaited<ReturnType<typeof src.create>>
/**
 * Idle converters by rate pair. Each `create` instantiates the wasm module anew (13-60 ms measured,
 * as long as resampling a second of audio); a reused one is re-initialised through the wrapper's
 * converterType setter (src_delete + src_new on the same instance), so it starts from fresh state.
 */
const idle = new Map<string, Converter[]>()
// A handful per rate pair: content and style of one render resample at once.
const MAX_IDLE = 4

async function acquire(from: Hz, to: Hz): Promise<Converter> {
  const reused = idle.get(`${from}>${to}`)?.pop()
  if (!reused) return src.create(1, from, to, { converterType: CONVERTER })
  reused.converterType = CONVERTER
  return reused
}

function release(from: Hz, to: Hz, converter: Converter): void {
  const key = `${from}>${to}`
  const list = idle.get(key) ?? []
  if (list.length >= MAX_IDLE) return converter.destroy()
  list.push(converter)
  idle.set(key, list)
}

/** Optional progress for long inputs: called with the fraction of input consumed (0..1). */
export interface ResampleOptions {
  onProgress?: (fraction: number) => void
}

/**
 * Band-limited sample-rate conversion (windowed sinc, libsamplerate). The output is time-aligned
 * with the input and has round(n * to / from) samples. Long inputs go through in blocks, so memory
 * stays at the output array plus one block; the event loop gets a turn between blocks.
 */
export async function resample(x: Float32Array, from: Hz, to: Hz, opts: ResampleOptions = {}): Promise<Float32Array> {
  checkRate(from, 'input')
  checkRate(to, 'output')
  const ratio = to / from
  if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) {
    throw new UserError(`resample: ${from} Hz -> ${to} Hz is a ratio beyond libsamplerate's limit of ${MAX_RATIO}`)
  }
  if (from === to || x.length === 0) return x.slice()
  const outLength = Math.round(x.length * ratio)
  const out = new Float32Array(outLength)
  const blockIn = Math.max(256, Math.floor(BLOCK / Math.max(1, ratio)))
  const converter = await acquire(from, to)
  let ok = false
  try {
    let written = 0
    const take = (block: Float32Array): void => {
      const y = converter.full(block)
      const n = Math.min(y.length, outLength - written)
      out.set(y.subarray(0, n), written)
      written += n
    }
    for (let at = 0; at < x.length; at += blockIn) {
      take(x.subarray(at, Math.min(x.length, at + blockIn)))
      opts.onProgress?.(Math.min(1, (at + blockIn) / x.length))
      if (at + blockIn < x.length) await new Promise<void>((resolve) => setImmediate(resolve))
    }
    // The sinc filter holds back its last outputs until later input arrives: push silence to flush.
    // Bounded: 256 rounds of FLUSH samples cover the filter's delay at the 1:256 ratio limit.
    const silence = new Float32Array(Math.min(blockIn, FLUSH))
    for (let round = 0; written < outLength && round < 256; round++) take(silence)
    if (written < outLength) throw new Error(`resample: converter produced ${written} of ${outLength} samples`)
    ok = true
    return out
  } finally {
    // A converter left mid-stream by an error is not reused.
    if (ok) release(from, to, converter)
    else converter.destroy()
  }
}

function checkRate(rate: Hz, which: string): void {
  if (!Number.isFinite(rate) || rate < 1 || rate > MAX_RATE) {
    throw new UserError(`resample: ${which} sample rate ${rate} Hz is not valid (must be 1-${MAX_RATE} Hz)`)
  }
}
