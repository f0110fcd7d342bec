import { describe, expect, it } from 'vitest'
import type { ApiHandlers } from '../../../src-main/api/services'
import { createDispatcher } from '../../../src-main/ipc/dispatch'
import { requestSchemas } from '../../../src-main/ipc/schemas'

const valid = { datasetId: 1, arch: 'dieleman', split: 'shuffled', epochs: 2, batch: 16, top: 5 }

/** The first zod issue of a payload, as "path: message" ('' when it is accepted). */
function issue(method: keyof typeof requestSchemas, payload: unknown): string {
  const r = requestSchemas[method].safeParse(payload)
  if (r.success) return ''
  const first = r.error.issues[0]!
  return `${first.path.join('.')}: ${first.message}`
}

describe('training payload schemas', () => {
  it('accepts what the training panel sends, with or without a time limit', () => {
    expect(issue('startTraining', valid)).toBe('')
    expect(issue('startTraining', { ...valid, arch: 'samplecnn', split: 'standard', maxMinutes: 0.5 })).toBe('')
  })

  it('refuses a split file, unknown architectures and keys the panel never sends', () => {
    // A split file names a path on the host: the app offers only the two named splits.
    expect(issue('startTraining', { ...valid, split: { file: '/etc/passwd' } })).toMatch(/^split: /)
    expect(issue('startTraining', { ...valid, arch: 'resnet' })).toMatch(/^arch: /)
    expect(issue('startTraining', { ...valid, resume: '3' })).toMatch(/resume/)
    expect(issue('startTraining', { ...valid, dataDir: '/tmp/elsewhere' })).toMatch(/dataDir/)
  })

  it('refuses numbers out of range: whole epochs and batches, a positive time, ids that are rowids', () => {
    for (const [key, value] of [
      ['epochs', 0],
      ['epochs', 1.5],
      ['epochs', 1001],
      ['batch', 0],
      ['batch', 2048],
      ['top', 0],
      ['maxMinutes', 0],
      ['maxMinutes', -1],
      ['maxMinutes', Number.POSITIVE_INFINITY],
      ['datasetId', 0],
      ['datasetId', '1']
    ] as const) {
      expect(issue('startTraining', { ...valid, [key]: value }), `${key} = ${String(value)}`).toMatch(new RegExp(`^${key}: `))
    }
    const { top: _top, ...noTop } = valid
    expect(issue('startTraining', noTop)).toMatch(/^top: /)
  })

  it('checks curves, tagging and the list calls', () => {
    expect(issue('runCurves', { runId: 3 })).toBe('')
    expect(issue('runCurves', { runId: -3 })).toMatch(/^runId: /)
    expect(issue('runCurves', {})).toMatch(/^runId: /)
    expect(issue('tagAudio', { path: '/data/a.wav' })).toBe('')
    expect(issue('tagAudio', { path: '/data/a.wav', modelId: 2, top: 10 })).toBe('')
    expect(issue('tagAudio', { path: '' })).toMatch(/^path: /)
    expect(issue('tagAudio', { path: '/data/a.wav', top: 51 })).toMatch(/^top: /)
    expect(issue('tagAudio', { path: '/data/a.wav', checkpointPath: '/x' })).toMatch(/checkpointPath/)
    for (const m of ['listTrainingDatasets', 'listTrainingJobs', 'listModels'] as const) {
      expect(issue(m, undefined)).toBe('')
      expect(issue(m, {})).toBe('')
      expect(issue(m, { all: true })).not.toBe('')
    }
  })

  it('answers a bad training request with one line, without calling the service', async () => {
    let called = 0
    const handlers = new Proxy({} as ApiHandlers, { get: () => async () => void called++ })
    const dispatch = createDispatcher(handlers, () => {})
    expect(await dispatch('startTraining', { ...valid, epochs: -1 })).toMatchObject({ ok: false, code: 'invalid', error: expect.stringMatching(/^startTraining: invalid epochs: /) })
    expect(called).toBe(0)
    expect(await dispatch('startTraining', valid)).toEqual({ ok: true, value: undefined })
    expect(called).toBe(1)
  })
})
