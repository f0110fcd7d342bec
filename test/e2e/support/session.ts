import type { BrowserContext, Page } from 'playwright-core'
import { launchChromium } from './browser'
import { startServe, type Served } from './serve'

/** One producer's session: the host on a data directory, one Chromium page, and the page's errors as they happen. */
export interface AppSession {
  served: Served
  browser: BrowserContext
  page: Page
  /** Uncaught page errors and console errors (a walk should end with none). */
  pageErrors: string[]
}

/** Starts `npm run serve` on `dataDir` and opens one Chromium page that records its errors. */
export async function openAppSession(root: string, dataDir: string): Promise<AppSession> {
  const served = await startServe(root, dataDir)
  const browser = await launchChromium()
  const page = browser.pages()[0] ?? (await browser.newPage())
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text())
  })
  return { served, browser, page, pageErrors }
}
