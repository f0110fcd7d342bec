import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Library } from '../src-main/library/library'
import { importMtat } from '../src-main/datasets/mtat/import'
import { CHROMIUM } from '../test/e2e/support/browser'
import { openAppSession } from '../test/e2e/support/session'
import { frameStats, recordScrollFrames } from '../test/e2e/support/scroll-frames'
import { writeSyntheticMtat } from './library'

const root = fileURLToPath(new URL('../', import.meta.url))

/** One jump per frame over the whole list: 300 frames (5 s at 60 fps), about 86 rows per frame on 25,863 rows. */
const SCROLL_STEPS = 300
/** How long the page may take to show the generated library (the host builds the renderer on a first run). */
const SHOW_TIMEOUT_MS = 120_000

async function waitForText(read: () => Promise<string | null>, want: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs
  let last: string | null = null
  while (Date.now() < end) {
    last = await read()
    if (last === want) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`the tag browser showed "${last}", not "${want}", within ${timeoutMs} ms`)
}

/**
 * The tag browser's list in Chromium as a user scrolls it: the generated 25,863-clip library served by
 * `npm run serve`, opened in Debian's Chromium (the end-to-end suite's own start-up code), scrolled top
 * to bottom one jump per animation frame; frame times measured in the page with requestAnimationFrame.
 * Answers nothing (and says why on stderr) where Chromium is not installed.
 */
export async function benchTagScroll(): Promise<Record<string, number>> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`library: no Chromium at ${CHROMIUM} (EB_CHROMIUM), the scroll figures are left out\n`)
    return {}
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'eb-bench-scroll-'))
  try {
    const source = join(dataDir, 'mtat-synthetic')
    await mkdir(source)
    writeSyntheticMtat(source)
    const lib = Library.open(dataDir)
    try {
      importMtat(lib, source)
    } finally {
      lib.close()
    }
    const s = await openAppSession(root, dataDir)
    try {
      await s.page.setViewportSize({ width: 1440, height: 900 })
      await s.page.goto(s.served.url)
      await s.page.getByTestId('toggle-tags').click()
      await waitForText(() => s.page.getByTestId('tag-total').textContent(), '25,863 clips', SHOW_TIMEOUT_MS)
      const f = frameStats(await recordScrollFrames(s.page.getByTestId('clip-list'), SCROLL_STEPS))
      const r2 = (x: number): number => Math.round(x * 100) / 100
      return { tagScroll25kMedianFrameMs: r2(f.medianMs), tagScroll25kP95FrameMs: r2(f.p95Ms), tagScroll25kOver16_7msShare: Math.round(f.overBudgetShare * 1000) / 1000, tagScroll25kFrames: f.frames }
    } finally {
      await s.browser.close()
      await s.served.stop()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}
