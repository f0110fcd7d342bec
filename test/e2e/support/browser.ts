import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/** Debian's Chromium (EB_CHROMIUM overrides the path); the end-to-end suite runs only where it exists. */
export const CHROMIUM = process.env.EB_CHROMIUM ?? '/usr/bin/chromium'

/** Debian Chromium, headless, fresh profile, audio allowed to start without a gesture. */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'eb-e2e-profile-'))
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 820 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required'
    ]
  })
}
