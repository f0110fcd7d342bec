import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempLibrary } from './helpers'
import type { Library } from '../../../src-main/library/library'
import { listCheckpoints, listRenders, listRuns, recordRender, runMetrics } from '../../../src-main/api/library'

let t: ReturnType<typeof tempLibrary>
let lib: Library
beforeEach(() => {
  t = tempLibrary()
  lib = t.lib
})
afterEach(() => t.dispose())

describe('models, runs, metrics, checkpoints, renders', () => {
  it('records a training run through its life with metrics and checkpoints', () => {
    const modelId = lib.models.create({ name: 'tagger', kind: 'tagger-cnn', config: { layers: 4 } })
    const runId = lib.runs.create({ modelId, config: { lr: 0.001 } })
    expect(lib.runs.get(runId)).toMatchObject({ status: 'queued', startedAt: null, finishedAt: null, config: { lr: 0.001 } })
    lib.runs.setStatus(runId, 'running')
    const started = lib.runs.get(runId)!.startedAt
    expect(started).not.toBeNull()
    lib.runs.addMetrics(runId, 1, { loss: 2.5, auc: 0.6 })
    lib.runs.addMetrics(runId, 2, { loss: 1.5 })
    lib.runs.addMetrics(runId, 2, { loss: 1.25 })
    expect(runMetrics(lib, runId, 'loss')).toEqual([
      { step: 1, name: 'loss', value: 2.5 },
      { step: 2, name: 'loss', value: 1.25 }
    ])
    const ck = lib.checkpoints.add({ runId, path: '/ckpt/step-2', step: 2, metrics: { loss: 1.25 } })
    expect(listCheckpoints(lib, { runId })).toMatchObject([{ id: ck, step: 2, metrics: { loss: 1.25 } }])
    expect(() => lib.checkpoints.add({ runId, path: '/ckpt/step-2', step: 3 })).toThrow()
    lib.runs.setStatus(runId, 'failed', 'out of memory')
    const run = lib.runs.get(runId)!
    expect(run).toMatchObject({ status: 'failed', error: 'out of memory', startedAt: started })
    expect(run.finishedAt).not.toBeNull()
    expect(listRuns(lib, { status: 'failed' }).map((r) => r.id)).toEqual([runId])
    // A status outside the schema's list is refused.
    expect(() => lib.transaction(() => lib.runs.setStatus(runId, 'bogus' as never))).toThrow()
  })

  it('records renders with inputs, parameters, metrics and lists newest first', () => {
    const first = recordRender(lib, { method: 'gram', inputs: { content: '/c.wav', style: '/s.wav' }, params: { steps: 100 }, outputPath: '/out/1.wav' })
    const second = recordRender(lib, { method: 'wavenet', inputs: { content: '/c.wav' }, outputPath: '/out/2.wav', metrics: { styleDistance: 0.4 } })
    expect(first).toMatchObject({ method: 'gram', inputs: { content: '/c.wav', style: '/s.wav' }, params: { steps: 100 }, metrics: {}, checkpointId: null })
    expect(listRenders(lib).map((r) => r.id)).toEqual([second.id, first.id])
    expect(listRenders(lib, { method: 'gram' }).map((r) => r.id)).toEqual([first.id])
    expect(lib.renders.get(second.id)!.metrics).toEqual({ styleDistance: 0.4 })
  })
})
