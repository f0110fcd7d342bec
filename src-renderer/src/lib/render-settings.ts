/**
 * The render panel's settings as the page keeps them across reloads (localStorage, as the session
 * keeps the last project): read back checked, so a stale or hand-edited entry falls back to defaults.
 */
import type { StyleMethod, StylizeOptions } from '../../../src-preload/api'

/** localStorage key of the render panel's settings. */
export const RENDER_SETTINGS_KEY = 'eb.renderPanel'

/** What the render panel's form holds. */
export interface RenderSettings {
  method: StyleMethod
  contentWeight?: number
  styleWeight?: number
  iterations?: number
  seed: number
  /** Wavenet method: the WaveNet's model id (absent: the newest with a checkpoint). */
  model?: number
  /** Wavenet method: the speaker code to condition on (absent: the model's first). */
  speaker?: string
}

const METHODS: readonly StyleMethod[] = ['texture', 'gram', 'match', 'wavenet']

/**
 * The render request's options from the form: match takes only its seed; wavenet adds its model and
 * speaker (when chosen); the others take the form's weights, iterations and seed.
 */
export function renderOptions(form: RenderSettings): StylizeOptions {
  const { method, contentWeight, styleWeight, iterations, seed, model, speaker } = form
  if (method === 'match') return { method, seed }
  const common: StylizeOptions = { method, seed, ...(contentWeight !== undefined && { contentWeight }), ...(styleWeight !== undefined && { styleWeight }), ...(iterations !== undefined && { iterations }) }
  return method === 'wavenet' ? { ...common, ...(model !== undefined && { model }), ...(speaker !== undefined && { speaker }) } : common
}

/** Settings read back from `raw` (a stored JSON string, or null), each field only when it is valid. */
export function readRenderSettings(raw: string | null): Partial<RenderSettings> {
  let v: unknown
  try {
    v = raw === null ? null : JSON.parse(raw)
  } catch {
    return {}
  }
  if (typeof v !== 'object' || v === null) return {}
  const o = v as Record<string, unknown>
  const out: Partial<RenderSettings> = {}
  if (typeof o.method === 'string' && (METHODS as readonly string[]).includes(o.method)) out.method = o.method as StyleMethod
  const num = (key: 'contentWeight' | 'styleWeight' | 'iterations' | 'seed', ok: (n: number) => boolean): void => {
    const n = o[key]
    if (typeof n === 'number' && Number.isFinite(n) && ok(n)) out[key] = n
  }
  num('contentWeight', (n) => n >= 0)
  num('styleWeight', (n) => n >= 0)
  num('iterations', (n) => Number.isInteger(n) && n >= 1 && n <= 5000)
  num('seed', (n) => Number.isInteger(n) && n >= 0)
  if (typeof o.model === 'number' && Number.isInteger(o.model) && o.model >= 1) out.model = o.model
  if (typeof o.speaker === 'string' && o.speaker !== '') out.speaker = o.speaker
  return out
}
