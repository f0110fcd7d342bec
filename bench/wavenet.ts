/**
 * WaveNet generation benchmark (issue 15): samples per second of fast generation (per-layer
 * queues, engine/generate/wavenet-fast.ts) at batch 1 and 16, per stream and in total, and of naive
 * generation at batch 1, on a randomly initialised model of the target size (2 stacks x 10
 * layers, 32 residual / 32 dilation / 128 skip channels; speed needs no training). Rates are per
 * second of this process's CPU time (process.cpuUsage), so a busy second core does not skew them;
 * wall-clock rates come beside them. Naive generation runs on the process's backend (fast generation
 * uses none). Realtime factor: fast samples/s per stream over 16 kHz.
 * Run alone: `npx tsx bench/wavenet.ts` (prints one JSON object), or `npm run bench -- wavenet`.
 */
import { pathToFileURL } from 'node:url'
import { initBackend } from '../src-main/engine/backend'
import { buildWavenet } from '../src-main/engine/models/wavenet'
import { generateNaive, type NaiveGenerateOptions } from '../src-main/engine/generate/wavenet-naive'
import { compileWavenet, generateFast } from '../src-main/engine/generate/wavenet-fast'
import type { Hz } from '../src-main/util/units'

/** The rate the target compares against: realtime speech at 16 kHz. */
const REALTIME_RATE: Hz = 16000

/** Samples per stream generated per timed run: one second of audio at batch 1, a few seconds of CPU either way. */
const FAST_SAMPLES = { 1: 16000, 16: 1000 } as const
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

/** Fast and naive generation rates on the target model (see the file's note); naive runs on the current backend. */
export async function benchWavenet(): Promise<Record<string, number>> {
  const model = buildWavenet({ seed: 1 })
  const net = compileWavenet(model)
  const opts = (samples: number, batch: number): NaiveGenerateOptions => ({ samples, batch, temperature: 1, seed: 3 })
  generateFast(net, opts(500, 16)) // warm-up: JIT compilation is not what we measure
  const fast = (batch: 1 | 16) => rates(FAST_SAMPLES[batch] * batch, () => generateFast(net, opts(FAST_SAMPLES[batch], batch)))
  const fast1 = fast(1)
  const fast16 = fast(16)
  generateNaive(model, opts(4, 1))
  const naive = rates(NAIVE_SAMPLES, () => generateNaive(model, opts(NAIVE_SAMPLES, 1)))
  model.dispose()
  return {
    wavenetFastSamplesPerSec: fast1.cpu,
    wavenetFastB1SamplesPerSec: fast1.cpu,
    wavenetFastB16SamplesPerSecPerStream: fast16.cpu / 16,
    wavenetFastB16SamplesPerSecTotal: fast16.cpu,
    wavenetNaiveSamplesPerSec: naive.cpu,
    wavenetFastRealtimeFactor16k: fast1.cpu / REALTIME_RATE,
    wavenetFastB16RealtimeFactor16kPerStream: fast16.cpu / 16 / REALTIME_RATE,
    wavenetFastSpeedupOverNaive: fast1.cpu / naive.cpu,
    wavenetFastB1WallSamplesPerSec: fast1.wall,
    wavenetFastB16WallSamplesPerSecTotal: fast16.wall,
    wavenetNaiveWallSamplesPerSec: naive.wall
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await initBackend() // EB_BACKEND chooses, as for `npm run bench`
  console.log(JSON.stringify(await benchWavenet()))
}
