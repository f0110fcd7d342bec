import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { openAppSession, type AppSession } from './session'

/**
 * Registers a walk's setup and teardown in the calling describe: a fresh data dir (seeded by
 * `prepare`, as a user would before opening the app), `npm run serve` on it and one 1440x900
 * Chromium page; everything is stopped and removed afterwards. The session fills in before the first test.
 */
export function appWalk(root: string, prefix: string, prepare: (dataDir: string) => Promise<unknown> | unknown = () => undefined): AppSession & { dataDir: string } {
  const walk = {} as AppSession & { dataDir: string }
  beforeAll(async () => {
    await mkdir(join(root, 'test-results', 'e2e'), { recursive: true })
    walk.dataDir = await mkdtemp(join(tmpdir(), prefix))
    await prepare(walk.dataDir)
    Object.assign(walk, await openAppSession(root, walk.dataDir))
    await walk.page.setViewportSize({ width: 1440, height: 900 })
  }, 300_000)
  afterAll(async () => {
    await walk.browser?.close()
    await walk.served?.stop()
    if (walk.dataDir) await rm(walk.dataDir, { recursive: true, force: true })
  })
  return walk
}

/** Seconds shown by the transport clock ("m:ss.cc"). */
export async function transportClock(page: Page): Promise<number> {
  const [m, s] = ((await page.getByTestId('clock').textContent()) ?? '').trim().split(':')
  return Number(m) * 60 + Number(s)
}
