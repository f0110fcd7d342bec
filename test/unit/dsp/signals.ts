import { createRng } from '../../../src-main/util/random'

/** Seeded white noise in [-amp, amp) (uniform), float32. */
export function noise(n: number, seed: number, amp = 0.5): Float32Array {
  const rng = createRng(seed)
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * (2 * rng.uniform() - 1)
  return x
}

/** A sine of `freq` Hz at `sampleRate`, `n` samples. */
export function sine(n: number, freq: number, sampleRate: number, amp = 0.5): Float32Array {
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / sampleRate)
  return x
}

/** Chirp recipe of generate_reference.py: sum of amplitude-modulated linear chirps. */
export interface ChirpRecipe {
  sampleRate: number
  length: number
  components: { f0: number; f1: number; amp: number; amRate: number }[]
}

/** Builds a recipe's samples exactly as generate_reference.py does (float64, then float32). */
export function chirpSignal(r: ChirpRecipe): Float32Array {
  const x = new Float32Array(r.length)
  const dur = r.length / r.sampleRate
  for (let i = 0; i < r.length; i++) {
    const t = i / r.sampleRate
    let v = 0
    for (const c of r.components) {
      const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * c.amRate * t)
      v += c.amp * env * Math.sin(2 * Math.PI * (c.f0 * t + ((c.f1 - c.f0) * t * t) / (2 * dur)))
    }
    x[i] = v
  }
  return x
}
