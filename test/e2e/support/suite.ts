import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import type { Served } from './serve'
import { openAppSession } from './session'

/** What a suite's tests reach once beforeAll has run. */
export interface SuiteSession {
  dataDir: string
  served: Served
  browser: BrowserContext
  page: Page
  pageErrors: string[]
}

/**
 * Registers the usual hooks of a walk through the app: a fresh data dir (prepared by `prepare`
 * before the host starts), the host, one Chromium page at `viewport`; all closed and removed after.
 */
export function appSuite(root: string, opts: { prefix: string; prepare?: (dataDir: string) => Promise<unknown>; viewport?: { width: number; height: number } }): SuiteSession {
  const s = {} as SuiteSession
  beforeAll(async () => {
    await mkdir(join(root, 'test-results', 'e2e'), { recursive: true })
    s.dataDir = await mkdtemp(join(tmpdir(), opts.prefix))
    await opts.prepare?.(s.dataDir)
    Object.assign(s, await openAppSession(root, s.dataDir))
    if (opts.viewport) await s.page.setViewportSize(opts.viewport)
  }, 300_000)
  afterAll(async () => {
    await s.browser?.close()
    await s.served?.stop()
    if (s.dataDir) await rm(s.dataDir, { recursive: true, force: true })
  })
  return s
}
