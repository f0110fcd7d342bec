/**
 * The chain panel's maths: which knobs each stage has, where a value sits on a knob's travel (log
 * where PARAM_RANGES says so), how it reads, and the edits (set a parameter, bypass a stage) as pure
 * functions over an effect chain.
 */
import { PARAM_RANGES, STAGES, type ParamRange } from '../../../src-main/engine/effects/chain'
import type { EffectChain, StageName } from '../../../src-preload/api'

export { STAGES }

/** One knob: a dotted path into the chain and the label under it. */
export interface KnobSpec {
  path: string
  label: string
}

/** A row of knobs under a title; `stage` is set for the stages that have an amount and a bypass. */
export interface KnobGroup {
  title: string
  stage?: StageName
  knobs: KnobSpec[]
}

/** The range of a knob's path (every EQ band shares `eq.band.*`). */
export function rangeOf(path: string): ParamRange {
  const r = PARAM_RANGES[path.replace(/^eq\.bands\.\d+\./, 'eq.band.')]
  if (!r) throw new Error(`no range for chain parameter ${path}`)
  return r
}

/** The knobs of `chain`, grouped by stage in processing order (bands: as many as the chain has). */
export function knobGroups(chain: EffectChain): KnobGroup[] {
  const k = (path: string, label: string): KnobSpec => ({ path, label })
  return [
    {
      title: 'EQ',
      stage: 'eq',
      knobs: [
        k('eq.highpass', 'high-pass'),
        k('eq.lowShelf.freq', 'low shelf'),
        k('eq.lowShelf.gain', 'low gain'),
        ...chain.eq.bands.flatMap((_, i) => [k(`eq.bands.${i}.freq`, `band ${i + 1}`), k(`eq.bands.${i}.gain`, `gain ${i + 1}`), k(`eq.bands.${i}.q`, `Q ${i + 1}`)]),
        k('eq.highShelf.freq', 'high shelf'),
        k('eq.highShelf.gain', 'high gain'),
        k('eq.lowpass', 'low-pass')
      ]
    },
    {
      title: 'Compressor',
      stage: 'compressor',
      knobs: [k('compressor.threshold', 'threshold'), k('compressor.ratio', 'ratio'), k('compressor.attack', 'attack'), k('compressor.release', 'release'), k('compressor.knee', 'knee'), k('compressor.makeup', 'makeup')]
    },
    { title: 'Saturation', stage: 'saturation', knobs: [k('saturation.drive', 'drive'), k('saturation.mix', 'mix')] },
    { title: 'Reverb', stage: 'reverb', knobs: [k('reverb.decay', 'decay'), k('reverb.preDelay', 'pre-delay'), k('reverb.damping', 'damping'), k('reverb.wet', 'wet')] },
    { title: 'Output', knobs: [k('amount', 'amount'), k('output.loudness', 'loudness'), k('output.truePeak', 'true peak')] }
  ]
}

/** One column of the EQ: a filter (high-pass, a shelf, a band, low-pass) and its knobs together. */
export interface EqColumn {
  title: string
  knobs: KnobSpec[]
}

/** The peaking bands' indices by frequency, low to high (what the panel shows them in). */
export function bandOrder(chain: EffectChain): number[] {
  return chain.eq.bands.map((b, i) => [b.freq, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i)
}

/**
 * The EQ as columns in frequency order: high-pass, low shelf, the bands (in `order`, by default by
 * frequency), high shelf, low-pass; each filter's frequency, gain and Q in one column.
 */
export function eqColumns(chain: EffectChain, order: number[] = bandOrder(chain)): EqColumn[] {
  const k = (path: string, label: string): KnobSpec => ({ path, label })
  return [
    { title: 'high-pass', knobs: [k('eq.highpass', 'freq')] },
    { title: 'low shelf', knobs: [k('eq.lowShelf.freq', 'freq'), k('eq.lowShelf.gain', 'gain')] },
    ...order.filter((i) => i < chain.eq.bands.length).map((i, n) => ({ title: `band ${n + 1}`, knobs: [k(`eq.bands.${i}.freq`, 'freq'), k(`eq.bands.${i}.gain`, 'gain'), k(`eq.bands.${i}.q`, 'Q')] })),
    { title: 'high shelf', knobs: [k('eq.highShelf.freq', 'freq'), k('eq.highShelf.gain', 'gain')] },
    { title: 'low-pass', knobs: [k('eq.lowpass', 'freq')] }
  ]
}

/**
 * Whether a stage changes the sound at all, whatever its amount: an EQ with every filter off and
 * every gain 0, a compressor at ratio 1 with no makeup, saturation at mix 0, reverb at wet 0.
 * (The panel reads such a stage "off", not "100 %".)
 */
export function stageActive(chain: EffectChain, stage: StageName): boolean {
  switch (stage) {
    case 'eq': {
      const e = chain.eq
      return e.highpass > 20 || e.lowpass < 20_000 || e.lowShelf.gain !== 0 || e.highShelf.gain !== 0 || e.bands.some((b) => b.gain !== 0)
    }
    case 'compressor':
      return chain.compressor.ratio > 1 || chain.compressor.makeup !== 0
    case 'saturation':
      return chain.saturation.mix > 0
    case 'reverb':
      return chain.reverb.wet > 0
  }
}

/** What a typed value came to: the value set, and a line when it had to be clamped to the range. */
export interface TypedValue {
  value: number
  note: string | null
}

/**
 * Reads what was typed into a knob, in the knob's display unit (percent knobs take 0-100): plain
 * and exponent numbers ("1e4"), a "k" suffix ("2.4k" is 2400), an optional unit after it. An
 * out-of-range value is set to the nearest bound and said: "ratio: 1000 is above 50; set to 50".
 * Null when nothing readable was typed.
 */
export function parseTyped(text: string, r: ParamRange, label: string): TypedValue | null {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(k)?/i.exec(text)
  if (!m) return null
  const shown = Number(m[1]) * (m[2] ? 1000 : 1)
  if (!Number.isFinite(shown)) return null
  const scale = r.unit === '%' ? 100 : 1
  const lo = r.min * scale
  const hi = r.max * scale
  const unit = r.unit === '' ? '' : ` ${r.unit}`
  const fmt = (v: number): string => `${Number(v.toPrecision(6))}${unit}`
  if (shown > hi) return { value: r.max, note: `${label}: ${fmt(shown)} is above ${fmt(hi)}; set to ${fmt(hi)}` }
  if (shown < lo) return { value: r.min, note: `${label}: ${fmt(shown)} is below ${fmt(lo)}; set to ${fmt(lo)}` }
  return { value: shown / scale, note: null }
}

/** A value's place on the knob's travel, 0..1 (log for frequency and time knobs), clamped. */
export function toNorm(value: number, r: ParamRange): number {
  const v = Math.min(r.max, Math.max(r.min, value))
  const n = r.log && r.min > 0 ? Math.log(v / r.min) / Math.log(r.max / r.min) : (v - r.min) / (r.max - r.min)
  return Number.isFinite(n) ? n : 0
}

/** The value at a place on the knob's travel (inverse of toNorm). */
export function fromNorm(n: number, r: ParamRange): number {
  const t = Math.min(1, Math.max(0, n))
  return r.log && r.min > 0 ? r.min * Math.pow(r.max / r.min, t) : r.min + t * (r.max - r.min)
}

/** Rounds to what the knob can show (3 significant digits, 0.1 dB steps for dB-like units). */
export function roundForKnob(value: number, r: ParamRange): number {
  if (r.unit === '%') return Math.round(value * 1000) / 1000
  if (r.unit === 'dB' || r.unit === 'LUFS' || r.unit === 'dBTP') return Math.round(value * 10) / 10
  return Number(value.toPrecision(3))
}

/** A value as the knob reads it: "120 Hz", "2.4 kHz", "-3.5 dB", "40 %", "4.0", "350 ms". */
export function formatKnob(value: number, r: ParamRange): string {
  switch (r.unit) {
    case '%':
      return `${Math.round(value * 100)} %`
    case 'Hz':
      return value >= 1000 ? `${Number((value / 1000).toPrecision(3))} kHz` : `${Math.round(value)} Hz`
    case 'dB':
    case 'LUFS':
    case 'dBTP':
      return `${value.toFixed(1)} ${r.unit}`
    case 'ms':
      return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`
    case 's':
      return `${value.toFixed(2)} s`
    default:
      return value < 10 ? value.toFixed(1) : String(Math.round(value))
  }
}

/** Reads a dotted path ("eq.bands.2.gain") from a chain. */
export function getParam(chain: EffectChain, path: string): number {
  const v = path.split('.').reduce<unknown>((o, key) => (o as Record<string, unknown>)[key], chain)
  if (typeof v !== 'number') throw new Error(`chain parameter ${path} is not a number`)
  return v
}

/** A plain deep copy (a chain is JSON; a reactive proxy cannot go through structuredClone). */
export function copyChain(chain: EffectChain): EffectChain {
  return JSON.parse(JSON.stringify(chain)) as EffectChain
}

/** A copy of `chain` with the parameter at `path` set to `value`, clamped to its range. */
export function setParam(chain: EffectChain, path: string, value: number): EffectChain {
  const r = rangeOf(path)
  const next = copyChain(chain)
  const keys = path.split('.')
  const last = keys.pop()!
  const owner = keys.reduce<Record<string, unknown>>((o, key) => o[key] as Record<string, unknown>, next as unknown as Record<string, unknown>)
  if (typeof owner[last] !== 'number') throw new Error(`chain parameter ${path} is not a number`)
  owner[last] = Math.min(r.max, Math.max(r.min, Number.isFinite(value) ? value : r.min))
  return next
}

/** Stage amounts a bypass put aside, to restore when it is lifted (null: not bypassed). */
export type BypassMemory = Record<StageName, number | null>

/** No stage bypassed. */
export function noBypass(): BypassMemory {
  return { eq: null, compressor: null, saturation: null, reverb: null }
}

/**
 * Bypasses a stage (its amount to 0, the amount remembered) or lifts the bypass (the amount back).
 * Turning a bypassed stage's amount knob lifts the bypass too: see `setStageAmount`.
 */
export function toggleBypass(chain: EffectChain, stage: StageName, memory: BypassMemory): { chain: EffectChain; memory: BypassMemory } {
  const saved = memory[stage]
  if (saved === null) return { chain: setParam(chain, `${stage}.amount`, 0), memory: { ...memory, [stage]: chain[stage].amount } }
  return { chain: setParam(chain, `${stage}.amount`, saved), memory: { ...memory, [stage]: null } }
}

/** Sets a stage's amount; a bypassed stage is no longer bypassed once its amount is turned. */
export function setStageAmount(chain: EffectChain, stage: StageName, amount: number, memory: BypassMemory): { chain: EffectChain; memory: BypassMemory } {
  return { chain: setParam(chain, `${stage}.amount`, amount), memory: { ...memory, [stage]: null } }
}
