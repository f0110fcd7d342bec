/**
 * A training worker killed before it reports its run's id (issue 18: the fault suite killed one
 * between creating its run and its first progress; the run stayed 'queued' for ever). Smallest
 * input: two unfinished runs, one holding the dead job's token in its config.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closeAbandonedRun } from '../../../src-main/api/training'
import { JobCancelledError } from '../../../src-main/jobs/errors'
import { Library } from '../../../src-main/library/library'
import { tempLibrary } from '../library/helpers'

const libs: { dispose(): void }[] = []
afterEach(() => {
  for (const l of libs.splice(0)) l.dispose()
})

describe('closeAbandonedRun', () => {
  it("fails the dead job's own run, found by its token when its id never came, with the job's error; others stay", () => {
    const t = tempLibrary()
    libs.push(t)
    const modelId = t.lib.models.create({ name: 'm', kind: 'tagger/dieleman' })
    const mine = t.lib.runs.create({ modelId, config: { runToken: 'dead-job' } })
    const other = t.lib.runs.create({ modelId, config: { runToken: 'live-job' } })
    t.lib.runs.setStatus(other, 'running')
    closeAbandonedRun(t.dir, undefined, 'dead-job', new Error('job worker killed'))
    const lib = Library.open(t.dir)
    try {
      expect(lib.runs.get(mine)).toMatchObject({ status: 'failed', error: 'job worker killed' })
      expect(lib.runs.get(other)).toMatchObject({ status: 'running', error: null })
    } finally {
      lib.close()
    }
  })

  it('a known run id is closed as stopped when the job was cancelled; a finished run is left as it ended', () => {
    const t = tempLibrary()
    libs.push(t)
    const modelId = t.lib.models.create({ name: 'm', kind: 'tagger/dieleman' })
    const running = t.lib.runs.create({ modelId })
    t.lib.runs.setStatus(running, 'running')
    const done = t.lib.runs.create({ modelId })
    t.lib.runs.setStatus(done, 'completed')
    closeAbandonedRun(t.dir, running, 'x', new JobCancelledError('cancelled'))
    closeAbandonedRun(t.dir, done, 'x', new Error('late'))
    const lib = Library.open(t.dir)
    try {
      expect(lib.runs.get(running)).toMatchObject({ status: 'stopped', error: 'cancelled' })
      expect(lib.runs.get(done)).toMatchObject({ status: 'completed', error: null })
    } finally {
      lib.close()
    }
  })
})
