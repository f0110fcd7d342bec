/**
 * DSP benchmark: median milliseconds of the transforms style transfer runs most, on 10 s of audio
 * at 22.05 kHz with nFft 2048, hop 512 (the texture method's geometry).
 * Run alone: `npx tsx bench/dsp.ts` (prints one JSON object); `npm run bench` imports benchDsp.
 */
import { pathToFileURL } from 'node:url'
import { griffinLim } from '../src-main/dsp/griffin-lim'
import { createStftPlan, istft, magnitude, stft } from '../src-main/dsp/stft'
import { createRng } from '../src-main/util/random'

const SAMPLE_RATE = 22050
const SECONDS = 10
const GEOMETRY = { nFft: 2048, hop: 512 }

/** Median wall time of `reps` runs after one warm-up run (JIT compilation is not what we measure). */
function medianMs(reps: number, run: () => unknown): number {
  const times: number[] = []
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now()
    run()
    if (i > 0) times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

/** Two chirps and a little noise: a spectrum busy enough that nothing is trivially sparse. */
function testSignal(): Float32Array {
  const n = SAMPLE_RATE * SECONDS
  const rng = createRng(1)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE
    x[i] = 0.4 * Math.sin(2 * Math.PI * (110 * t + 200 * t * t)) + 0.2 * Math.sin(2 * Math.PI * 3000 * t) + 0.01 * rng.normal()
  }
  return x
}

/** Timings in ms: STFT + iSTFT (free functions and a reused plan), one plan forward, one plan inverse, fast Griffin-Lim x100. */
export async function benchDsp(): Promise<Record<string, number>> {
  const x = testSignal()
  const plan = createStftPlan(GEOMETRY)
  const spec = plan.forward(x)
  const out = new Float32Array(x.length)
  const mag = magnitude(spec)
  return {
    'dsp.stft+istft.10s.ms': medianMs(7, () => istft(stft(x, GEOMETRY), GEOMETRY, x.length)),
    'dsp.plan.forward.10s.ms': medianMs(7, () => plan.forward(x, spec)),
    'dsp.plan.inverse.10s.ms': medianMs(7, () => plan.inverse(spec, x.length, out)),
    'dsp.griffinLim.fast.100it.10s.ms': medianMs(3, () =>
      griffinLim(mag, spec.frames, spec.bins, { ...GEOMETRY, iterations: 100, length: x.length, seed: 1 })
    )
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchDsp()))
}
