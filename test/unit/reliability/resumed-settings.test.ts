/**
 * A resumed run continues its own run (issue 18: a batch-4 run killed after epoch 1 and resumed
 * with `train-tagger --resume ID` went on at the preset's batch 16 towards the preset's 100 epochs,
 * so it never gave the uninterrupted run's weights). Smallest input: one run, one checkpoint.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { resumedRunSettings, TAGGER_PRESET } from '../../../src-main/api/training'
import { tempLibrary } from '../library/helpers'

const libs: { dispose(): void }[] = []
afterEach(() => {
  for (const l of libs.splice(0)) l.dispose()
})

describe('resumedRunSettings', () => {
  it("fills what a resume request leaves out from the checkpoint's run, by id or by folder; a new run gets nothing", () => {
    const t = tempLibrary()
    libs.push(t)
    const modelId = t.lib.models.create({ name: 'm', kind: 'tagger/dieleman' })
    const runId = t.lib.runs.create({ modelId, config: { epochs: 2, batch: 4, learningRate: 0.01, patience: 3, seed: 7, top: 5, split: 'split file /x' } })
    const folder = join(t.dir, 'checkpoints', `run-${runId}`, 'epoch-001')
    const id = t.lib.checkpoints.add({ runId, path: folder, step: 4 })
    const { split: _split, ...settings } = TAGGER_PRESET
    const want = { epochs: 2, batch: 4, learningRate: 0.01, patience: 3, seed: 7, top: 5 }
    expect(resumedRunSettings(t.dir, String(id), settings)).toEqual(want)
    expect(resumedRunSettings(t.dir, folder, settings)).toEqual(want)
    // Only the keys asked about, and only values of the same type: the split's description is not a split.
    expect(resumedRunSettings(t.dir, String(id), TAGGER_PRESET)).toMatchObject({ split: 'split file /x' })
    expect(resumedRunSettings(t.dir, String(id), { batch: 16 })).toEqual({ batch: 4 })
    expect(resumedRunSettings(t.dir, undefined, settings)).toEqual({})
    expect(resumedRunSettings(t.dir, join(t.dir, 'elsewhere'), settings)).toEqual({})
    expect(resumedRunSettings(t.dir, '99', settings)).toEqual({})
  })
})
