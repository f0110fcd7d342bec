import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rendererIsStale } from '../../../src-main/host/renderer-build'

describe('renderer staleness check of npm run serve', () => {
  let root: string
  const out = (): string => join(root, 'out', 'renderer')
  const at = (path: string, seconds: number): Promise<void> => utimes(path, seconds, seconds)

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'eb-stale-'))
    await mkdir(join(root, 'src-renderer', 'src', 'lib'), { recursive: true })
    await mkdir(join(root, 'src-preload'), { recursive: true })
    await writeFile(join(root, 'src-renderer', 'src', 'lib', 'a.ts'), '')
    await writeFile(join(root, 'src-preload', 'api.ts'), '')
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  it('is stale when nothing was built', async () => {
    expect(await rendererIsStale(root, out())).toBe(true)
  })

  it('is fresh when the build is newer than every source, stale when a nested source or the contract changes', async () => {
    await mkdir(out(), { recursive: true })
    await writeFile(join(out(), 'index.html'), '')
    await at(join(root, 'src-renderer', 'src', 'lib', 'a.ts'), 1000)
    await at(join(root, 'src-preload', 'api.ts'), 1000)
    await at(join(out(), 'index.html'), 2000)
    expect(await rendererIsStale(root, out())).toBe(false)
    await at(join(root, 'src-renderer', 'src', 'lib', 'a.ts'), 3000)
    expect(await rendererIsStale(root, out())).toBe(true)
    await at(join(root, 'src-renderer', 'src', 'lib', 'a.ts'), 1000)
    await at(join(root, 'src-preload', 'api.ts'), 3000)
    expect(await rendererIsStale(root, out())).toBe(true)
  })
})
