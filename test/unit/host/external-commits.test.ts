import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryChange } from '../../../src-preload/api'
import { createServices, type Services } from '../../../src-main/api/services'
import { closeJobPool } from '../../../src-main/api/jobs'
import { Library } from '../../../src-main/library/library'

// The CLI is another process with its own connection: what it commits must reach open views.
describe('libraryChanged for commits by another connection', () => {
  let dir: string
  let services: Services
  const changes: LibraryChange[] = []
  let arrived: ((c: LibraryChange) => void) | null = null

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-external-'))
    await mkdir(join(dir, 'examples'))
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
    services.events.on((event, payload) => {
      if (event !== 'libraryChanged') return
      changes.push(payload as LibraryChange)
      arrived?.(payload as LibraryChange)
    })
  })
  afterAll(async () => {
    await services.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  /** Resolves with the next 'external' change (the caller's test timeout bounds the wait). */
  const nextExternal = (): Promise<LibraryChange> =>
    new Promise((resolve) => {
      arrived = (c) => {
        if (c.kind !== 'external') return
        arrived = null
        resolve(c)
      }
    })

  /** Commits `write` through a connection of its own, as the CLI does, and closes it. */
  const asTheCli = <T>(write: (lib: Library) => T): T => {
    const cli = Library.open(join(dir, 'data'))
    try {
      return write(cli)
    } finally {
      cli.close()
    }
  }

  it('a model created and then renamed by a second connection each arrive as an external change', { timeout: 30_000 }, async () => {
    let waiting = nextExternal()
    const modelId = asTheCli((l) => l.models.create({ name: 'tagger', kind: 'tagger/dieleman', config: {} }))
    expect(await waiting).toEqual({ kind: 'external', id: '' })
    waiting = nextExternal()
    asTheCli((l) => l.models.rename(modelId, 'renamed by the CLI'))
    expect(await waiting).toEqual({ kind: 'external', id: '' })
    expect(changes.every((c) => c.kind === 'external')).toBe(true)
  })

  it('what the views list decides: a batch’s loss (run_metrics) leaves the fingerprint, a run’s new status changes it', async () => {
    await asTheCli((l) => {
      const modelId = l.models.create({ name: 'w', kind: 'wavenet/mulaw' })
      const runId = l.runs.create({ modelId })
      const before = l.viewFingerprint()
      l.runs.addMetrics(runId, 1, { loss: 0.5 })
      expect(l.viewFingerprint()).toBe(before)
      l.runs.setStatus(runId, 'running')
      expect(l.viewFingerprint()).not.toBe(before)
    })
  })
})
