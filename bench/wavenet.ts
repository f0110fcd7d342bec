/**
 * WaveNet generation benchmark (issue 15): samples per second of fast generation (per-layer
 * queues, engine/generate/wavenet-fast.ts) at batch 1 and 16, per stream and in total, with the
 * wasm SIMD step kernel (wavenet-wasm.ts) and, beside it, the JS kernel (wavenet-kernel.ts, the
 * fallback); the wasm step alone (no sampling: what the kernel costs); and naive generation at
 * batch 1, on a randomly initialised model of the target size (2 stacks x 10 layers,
 * 32 residual / 32 dilation / 128 skip channels; speed needs no training). Sampling is at
 * temperature 1 (the costlier draw). Rates are per second of this process's CPU time
 * (process.cpuUsage), so a busy second core does not skew them; wall-clock rates come beside them.
 * Naive generation runs on the process's backend (fast generation uses none). Realtime factor:
 * samples/s per stream over 16 kHz.
 * Run alone: `npx tsx bench/wavenet.ts` (prints one JSON object), or `npm run bench -- --only wavenet --json`.
 */
import { pathToFileURL } from 'node:url'
import { initBackend } from '../src-main/engine/backend'
import { buildWavenet } from '../src-main/engine/models/wavenet'
import { generateNaive } from '../src-main/engine/generate/wavenet-naive'
import { compileWavenet, generateFast, type FastGenerateOptions, type FastKernel } from '../src-main/engine/generate/wavenet-fast'
import { planWavenet } from '../src-main/engine/generate/wavenet-kernel'
import { WasmWavenetBatch, wasmSimdAvailable } from '../src-main/engine/generate/wavenet-wasm'
import type { Hz } from '../src-main/util/units'

/** The rate the target compares against: realtime speech at 16 kHz. */
const REALTIME_RATE: Hz = 16000

/** Samples per stream generated per timed run: about a second of CPU or more each. */
const SAMPLES = { wasm: { 1: 32000, 16: 4000 }, js: { 1: 8000, 16: 1000 } } as const
const NAIVE_SAMPLES = 60

/** Generated samples (all streams) per second of CPU time and of wall time, for one run of `run`. */
function rates(samples: number, run: () => void): { cpu: number; wall: number } {
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  run()
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  return { cpu: samples / cpuSeconds, wall: samples / ((performance.now() - wall0) / 1000) }
}

/** Fast (both kernels) and naive generation rates on the target model (see the file's note). */
export async function benchWavenet(): Promise<Record<string, number>> {
  const model = buildWavenet({ seed: 1 })
  const net = compileWavenet(model)
  const opts = (samples: number, batch: number, kernel: FastKernel): FastGenerateOptions => ({ samples, batch, temperature: 1, seed: 3, kernel })
  const simd = wasmSimdAvailable()
  const kernels: ('wasm' | 'js')[] = simd ? ['wasm', 'js'] : ['js']
  for (const kernel of kernels) generateFast(net, opts(500, 16, kernel)) // warm-up: JIT compilation is not what we measure
  const fast = (kernel: 'wasm' | 'js', batch: 1 | 16) => rates(SAMPLES[kernel][batch] * batch, () => generateFast(net, opts(SAMPLES[kernel][batch], batch, kernel)))
  const js1 = fast('js', 1)
  const js16 = fast('js', 16)
  const fast1 = simd ? fast('wasm', 1) : js1
  const fast16 = simd ? fast('wasm', 16) : js16
  let stepOnly = NaN
  if (simd) {
    const streams = new WasmWavenetBatch(planWavenet(net), 1, undefined, undefined)
    const level = [128]
    stepOnly = rates(SAMPLES.wasm[1], () => {
      for (let i = 0; i < SAMPLES.wasm[1]; i++) streams.step(level)
    }).cpu
    streams.dispose()
  }
  generateNaive(model, opts(4, 1, 'auto'))
  const naive = rates(NAIVE_SAMPLES, () => generateNaive(model, opts(NAIVE_SAMPLES, 1, 'auto')))
  model.dispose()
  return {
    wavenetFastWasmSimd: simd ? 1 : 0,
    wavenetFastSamplesPerSec: fast1.cpu,
    wavenetFastB1SamplesPerSec: fast1.cpu,
    wavenetFastB16SamplesPerSecPerStream: fast16.cpu / 16,
    wavenetFastB16SamplesPerSecTotal: fast16.cpu,
    wavenetFastB1StepOnlySamplesPerSec: stepOnly,
    wavenetFastJsB1SamplesPerSec: js1.cpu,
    wavenetFastJsB16SamplesPerSecTotal: js16.cpu,
    wavenetNaiveSamplesPerSec: naive.cpu,
    wavenetFastRealtimeFactor16k: fast1.cpu / REALTIME_RATE,
    wavenetFastB16RealtimeFactor16kPerStream: fast16.cpu / 16 / REALTIME_RATE,
    wavenetFastJsRealtimeFactor16k: js1.cpu / REALTIME_RATE,
    wavenetFastSpeedupOverNaive: fast1.cpu / naive.cpu,
    wavenetFastSpeedupOverJsKernel: fast1.cpu / js1.cpu,
    wavenetFastB1WallSamplesPerSec: fast1.wall,
    wavenetFastB16WallSamplesPerSecTotal: fast16.wall,
    wavenetNaiveWallSamplesPerSec: naive.wall
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await initBackend() // EB_BACKEND chooses, as for `npm run bench`
  console.log(JSON.stringify(await benchWavenet()))
}
