/**
 * Malformed payloads for the doors campaign (issue 18, part 2): each starts from a well-formed
 * request of one contract method and breaks it in one way the schema must refuse: a wrong type, a
 * missing field, an extra field, deep nesting, a huge string, NaN or Infinity, or a payload that is
 * not an object at all. Drawn from a seeded stream, so a seed replays the same cases.
 */
import { METHOD_NAMES } from '../../src-preload/api'
import { neutralChain } from '../../src-main/engine/effects/chain'
import type { Rng } from '../../src-main/util/random'

/** How a payload was broken (a case kind of the report). */
export type Breakage = 'wrong-type' | 'missing-field' | 'extra-field' | 'deep-nesting' | 'huge-string' | 'non-finite' | 'not-an-object'

/**
 * One malformed call. `json` is the body as JSON text when the value cannot be written by
 * JSON.stringify (a nesting deeper than its recursion, or Infinity as 1e999); `value` is what the
 * IPC door receives. `mayIgnore`: a schema that strips unknown keys (saveProject) may answer ok.
 */
export interface BrokenCall {
  method: string
  breakage: Breakage
  value: unknown
  json: string
  mayIgnore: boolean
}

/**
 * A well-formed request of each method with an object payload: the required fields only, with
 * values of the right type (the service may still refuse them; the schema accepts them). Methods
 * missing here (a contract grown since) get the not-an-object cases only.
 */
export function basePayloads(paths: { audio: string }): Record<string, Record<string, unknown>> {
  const p = paths.audio
  return {
    importAudio: { name: 'a.wav', data: [82, 73, 70, 70] },
    audioInfo: { path: p },
    loadAudio: { path: p },
    audioPeaks: { path: p, peaksPerSecond: 10 },
    spectrogram: { path: p },
    exportAudio: { path: p },
    createProject: { name: 'p' },
    loadProject: { id: '1' },
    saveProject: { id: '1', name: 'p', updatedAt: 0, tracks: [] },
    deleteProject: { id: '1' },
    startRender: { contentPath: p, stylePath: p, options: { method: 'match' } },
    cancelJob: { jobId: 'j' },
    startTraining: { datasetId: 1, arch: 'dieleman', split: 'standard', epochs: 1, batch: 1, top: 1 },
    startWavenetTraining: { family: 'wavenet', datasetId: 1, preset: 'tiny', condition: 'none', epochs: 1 },
    vaePicture: { modelId: 1, kind: 'samples' },
    startGeneration: { modelId: 1, seconds: 1, temperature: 1, seed: 0 },
    runCurves: { runId: 1 },
    tagAudio: { path: p },
    savePreset: { name: 'preset', chain: neutralChain() },
    renamePreset: { id: 1, name: 'n' },
    deletePreset: { id: 1 },
    applyChain: { path: p, presetId: 1 },
    listDatasetTags: { datasetId: 1 },
    queryClips: { datasetId: 1, tags: [], notTags: [], text: '', offset: 0, limit: 10 },
    loadClipAudio: { clipId: 1 },
    importClip: { clipId: 1 },
    deleteRender: { id: 1 },
    renameRender: { id: 1, name: 'n' },
    reopenRender: { id: 1 },
    renameModel: { id: 1, name: 'n' },
    deleteModel: { id: 1 },
    deleteRun: { id: 1 },
    deleteCheckpoint: { id: 1 },
    revealFile: { kind: 'render', id: 1 },
    tagClip: { clipId: 1, modelId: 1 },
    encodeLatent: { modelId: 1, path: p },
    sampleLatent: { modelId: 1 }
  }
}

/** Values of another type than `v`'s (null, arrays and objects count as their own types). */
function wrongTypeFor(v: unknown, rng: Rng): unknown {
  const all: unknown[] = ['text', 42, true, null, [], { a: 1 }, [1, 'x']]
  const kind = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x)
  const others = all.filter((x) => kind(x) !== kind(v))
  return pick(others, rng)
}

function pick<T>(xs: readonly T[], rng: Rng): T {
  return xs[Math.floor(rng.uniform() * xs.length)]!
}

// Placeholder replaced in the JSON text by what JSON.stringify cannot write.
const HOLE = JSON.stringify('\u0000hole\u0000')

/** `depth` nested arrays around a number, built without recursion (JSON text and value). */
function deep(depth: number): { value: unknown; json: string } {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = [value]
  return { value, json: '['.repeat(depth) + '1' + ']'.repeat(depth) }
}

/**
 * One malformed call of `method` (base: its well-formed payload, or undefined for a method whose
 * payload is void). Huge strings are `hugeBytes` long.
 */
export function breakCall(method: string, base: Record<string, unknown> | undefined, rng: Rng, hugeBytes: number): BrokenCall {
  const strips = method === 'saveProject'
  const kinds: Breakage[] = base
    ? ['wrong-type', 'missing-field', 'extra-field', 'deep-nesting', 'huge-string', 'non-finite', 'not-an-object']
    : ['extra-field', 'not-an-object', 'deep-nesting', 'huge-string']
  const breakage = pick(kinds, rng)
  const keys = base ? Object.keys(base) : []
  const key = keys.length > 0 ? pick(keys, rng) : 'x'
  const copy = (): Record<string, unknown> => ({ ...(base ?? {}) })
  const plain = (value: unknown, mayIgnore = false): BrokenCall => ({ method, breakage, value, json: JSON.stringify(value ?? null), mayIgnore })
  switch (breakage) {
    case 'wrong-type': {
      const o = copy()
      o[key] = wrongTypeFor(o[key], rng)
      return plain(o)
    }
    case 'missing-field': {
      const o = copy()
      delete o[key]
      return plain(o)
    }
    case 'extra-field': {
      // Own keys a prototype-walking validator might mistake for inherited ones, and plain strangers.
      const extra = pick(['__proto__', 'constructor', 'toString', 'sql', `k${Math.floor(rng.uniform() * 1e6)}`], rng)
      const json = JSON.stringify(copy()).replace(/^\{/, `{${JSON.stringify(extra)}:{"polluted":true}${keys.length > 0 ? ',' : ''}`)
      return { method, breakage, value: JSON.parse(json) as unknown, json, mayIgnore: strips }
    }
    case 'deep-nesting': {
      // 100 is past any real request; 10^5 is past JSON.parse's and JSON.stringify's recursion.
      const d = deep(pick([100, 5_000, 100_000], rng))
      const o = copy()
      o[key] = '\u0000hole\u0000'
      return { method, breakage, value: base ? { ...o, [key]: d.value } : d.value, json: base ? JSON.stringify(o).replace(HOLE, d.json) : d.json, mayIgnore: false }
    }
    case 'huge-string': {
      // Control characters and a line break inside: a refusal that quotes it must stay one line.
      const s = 'A\n\r\u001b[2J'.padEnd(hugeBytes, 'x')
      return plain(base ? { ...copy(), [key]: s } : s)
    }
    case 'non-finite': {
      const bad = pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], rng)
      const o = copy()
      o[key] = bad
      // JSON has no NaN: over HTTP it is the literal (invalid JSON), Infinity is 1e999 (parses to Infinity).
      const lit = Number.isNaN(bad) ? 'NaN' : bad > 0 ? '1e999' : '-1e999'
      o[key] = '\u0000hole\u0000'
      const json = JSON.stringify(o).replace(HOLE, lit)
      return { method, breakage, value: { ...o, [key]: bad }, json, mayIgnore: false }
    }
    case 'not-an-object':
      return plain(pick<unknown>(base ? ['rm -rf /', 42, true, [base], null] : ['rm -rf /', 42, true, [1]], rng))
  }
}

/** Every method name of the contract (the generator covers methods added after it was written). */
export const CONTRACT_METHODS: readonly string[] = METHOD_NAMES
