import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiEvents, EventName, JobProgress, LibraryChange } from '../../../src-preload/api'
import { createDatasetImportService, type DatasetImportService } from '../../../src-main/api/dataset-import-service'
import { closeJobPool } from '../../../src-main/api/jobs'
import { createEventHub } from '../../../src-main/api/services'
import { Library } from '../../../src-main/library/library'
import { writeSyntheticMtat } from '../../../bench/library'

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url))
const mtatFixture = join(fixtures, 'mtat', 'dataset')

// The import method as the app and the web host call it: a job on the pool, progress and cancel by the caller's id.
describe('importDataset service', { timeout: 120_000 }, () => {
  let dir: string
  let service: DatasetImportService
  const changes: LibraryChange[] = []
  const progress: JobProgress[] = []

  const inLibrary = <T>(fn: (lib: Library) => T): T => {
    const lib = Library.open(dir)
    try {
      return fn(lib)
    } finally {
      lib.close()
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-import-service-'))
    const events = createEventHub()
    events.on(<E extends EventName>(event: E, payload: ApiEvents[E]) => {
      if (event === 'libraryChanged') changes.push(payload as LibraryChange)
      if (event === 'jobProgress') progress.push(payload as JobProgress)
    })
    service = createDatasetImportService({ dataDir: dir, events })
  })
  afterAll(async () => {
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('imports the MagnaTagATune fixture as a job: progress under the caller id, the summary, a dataset event', async () => {
    const summary = await service.handlers.importDataset({ kind: 'mtat', path: mtatFixture, name: 'MTAT fixture', jobId: 'import-1' })
    expect(summary).toMatchObject({ kind: 'mtat', name: 'MTAT fixture', rootPath: mtatFixture, items: 24, usable: 23 })
    // The merged tags the fixture's clips carry (the tag browser lists the same 16).
    expect(summary.labels).toBe(16)
    expect(summary.line).toMatch(/^24 clips \(23 usable, 1 without audio\), 16 tags; train \d+, valid \d+$/)
    expect(progress.filter((p) => p.jobId === 'import-1').map((p) => p.phase)).toContain('write')
    expect(changes).toContainEqual({ kind: 'dataset', id: String(summary.id) })
    const stored = inLibrary((lib) => lib.datasets.get(summary.id))
    expect(stored?.name).toBe('MTAT fixture')
    expect(stored?.clipCount).toBe(24)
    expect(inLibrary((lib) => lib.integrityCheck())).toBe('ok')
  })

  it('refuses a folder of another kind in one line naming it, before any job, and writes nothing', async () => {
    const before = changes.length
    const vctk = join(fixtures, 'vctk', 'v092')
    await expect(service.handlers.importDataset({ kind: 'mtat', path: vctk })).rejects.toThrow(
      new RegExp(`^MagnaTagATune folder ${vctk}: not a MagnaTagATune folder \\(no annotations_final\\.csv\\); it looks like a VCTK folder$`)
    )
    await expect(service.handlers.importDataset({ kind: 'vctk', path: mtatFixture })).rejects.toThrow(/: not a VCTK folder \(no speaker-info\.txt\); it looks like a MagnaTagATune folder$/)
    await expect(service.handlers.importDataset({ kind: 'glove', path: mtatFixture })).rejects.toThrow(/^GloVe vectors file .*: a folder; give the vectors file itself/)
    await expect(service.handlers.importDataset({ kind: 'mnist', path: join(dir, 'nowhere') })).rejects.toThrow(/^MNIST folder .*nowhere: not a folder$/)
    // A relative path is refused as the user typed it, not resolved against the host's own folder (which the line quoted).
    await expect(service.handlers.importDataset({ kind: 'mtat', path: 'datasets/mtat' })).rejects.toThrow(/^MagnaTagATune folder datasets\/mtat: give the full path \(from \/ or a drive letter\); a relative path or ~ has no folder to start from in the app$/)
    await expect(service.handlers.importDataset({ kind: 'vctk', path: '~/VCTK-Corpus' })).rejects.toThrow(/^VCTK folder ~\/VCTK-Corpus: give the full path/)
    // A pasted path's leading blanks and trailing line break are dropped: the folder itself is checked (it was called relative).
    await expect(service.handlers.importDataset({ kind: 'mtat', path: `  ${vctk}\n` })).rejects.toThrow(new RegExp(`^MagnaTagATune folder ${vctk}: not a MagnaTagATune folder`))
    expect(changes.length).toBe(before)
    expect(inLibrary((lib) => lib.datasets.list().length)).toBe(1)
    expect(inLibrary((lib) => lib.integrityCheck())).toBe('ok')
  })

  it('stops an import on cancelJob: one line, no dataset, the library as it was', async () => {
    const big = join(dir, 'synthetic')
    await mkdir(big)
    writeSyntheticMtat(big, 20_000)
    const before = changes.length
    const started = service.handlers.importDataset({ kind: 'mtat', path: big, jobId: 'import-big' })
    // Cancelled once the job reports its first progress (it is running on the worker by then).
    await expect.poll(() => progress.some((p) => p.jobId === 'import-big'), { timeout: 60_000, interval: 5 }).toBe(true)
    expect(service.cancel('import-big')).toBe(true)
    await expect(started).rejects.toThrow(`import of ${big}: cancelled; the library is as it was`)
    expect(service.cancel('import-big')).toBe(false)
    expect(changes.length).toBe(before)
    expect(inLibrary((lib) => lib.datasets.list().map((d) => d.rootPath))).toEqual([mtatFixture])
    expect(inLibrary((lib) => lib.integrityCheck())).toBe('ok')
  })
})
