import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importMtatDataset } from '../../src-main/api/datasets'
import { withLibrary } from '../../src-main/api/library'
import { CHROMIUM } from './support/browser'
import type { Served } from './support/serve'
import { openAppSession } from './support/session'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

/** Source keys of the clip rows the list shows. */
const shownKeys = (page: Page): Promise<string[]> =>
  page.getByTestId('clip-list').locator('.clip[data-testid^="clip-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('clip-'.length)))

// A producer using MagnaTagATune as a sample library: filter, audition, take one clip as the style.
describe.skipIf(!hasChromium)('tag browser in Chromium against npm run serve', { timeout: 240_000 }, () => {
  let dataDir: string
  let served: Served
  let browser: BrowserContext
  let page: Page
  let pageErrors: string[] = []

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    dataDir = await mkdtemp(join(tmpdir(), 'eb-e2e-tags-'))
    // The MTAT-format fixture (24 clips, one without its MP3), imported before the app opens.
    await withLibrary(dataDir, (lib) => importMtatDataset(lib, join(root, 'test', 'fixtures', 'mtat', 'dataset')))
    ;({ served, browser, page, pageErrors } = await openAppSession(root, dataDir))
    await page.setViewportSize({ width: 1440, height: 900 })
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('opens the tag browser on the import: merged tags with counts, every clip listed', async () => {
    await page.goto(served.url)
    await expect.poll(() => page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tag-total').textContent(), { timeout: 15_000 }).toBe('24 clips')
    expect(await page.getByTestId('tag-slow').textContent()).toMatch(/^\s*slow\s*15\s*$/)
    expect(await page.getByTestId('tag-slow').getAttribute('class')).toContain('top')
    expect(await page.getByTestId('tag-dataset-info').textContent()).toContain('24 clips, 1 without audio')
    expect((await shownKeys(page)).slice(0, 3)).toEqual(['2', '3', '4'])
    await shot(page, 'tag-01-browser')
  })

  it('filters by two tags and one NOT (a right-click)', async () => {
    await page.getByTestId('tag-slow').click()
    await page.getByTestId('tag-loud').click()
    await page.getByTestId('tag-classical').click({ button: 'right' })
    await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('8 clips')
    expect(await shownKeys(page)).toEqual(['16', '17', '21', '22', '25', '27', '29', '36'])
    expect(await page.getByTestId('filter-not-classical').count()).toBe(1)
    expect(await page.getByTestId('tag-classical').getAttribute('class')).toContain('not')
    await shot(page, 'tag-02-slow-loud-not-classical')
  })

  it('auditions a clip on click with Tone.js', async () => {
    const row = page.getByTestId('clip-22')
    await row.click()
    await expect.poll(() => row.getAttribute('class'), { timeout: 15_000 }).toContain('playing')
    await shot(page, 'tag-03-audition')
    await row.click()
    await expect.poll(() => row.getAttribute('class')).not.toContain('playing')
  })

  it('puts a clip on the style track', async () => {
    await page.getByTestId('clip-22').getByTestId('use-style').click()
    await expect.poll(() => page.getByTestId('track-style').getByTestId('track-label').textContent(), { timeout: 15_000 }).toMatch(/piano.*\.mp3$/)
    await expect.poll(() => page.getByTestId('message').textContent()).toMatch(/on style$/)
    await shot(page, 'tag-04-used-as-style')
  })

  it('shows missing audio as such and answers a filter that matches nothing with a note', async () => {
    await page.getByTestId('tag-clear').click()
    await page.getByTestId('tag-search').fill('strings allegro')
    await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('1 clip')
    const missing = page.getByTestId('clip-9')
    expect(await missing.getAttribute('class')).toContain('missing')
    expect(await missing.textContent()).toContain('missing audio')
    expect(await missing.getByTestId('use-style').isDisabled()).toBe(true)
    await missing.click()
    await expect.poll(() => page.getByTestId('message').textContent()).toBe('Strings Allegro: audio file missing')
    await shot(page, 'tag-05-missing-audio')
    await page.getByTestId('tag-clear').click()
    await page.getByTestId('tag-piano').click()
    await page.getByTestId('tag-organ').click()
    await expect.poll(() => page.getByTestId('tag-note').textContent()).toBe('no clip tagged piano + organ')
    expect(await page.getByTestId('tag-total').textContent()).toBe('0 clips')
    await shot(page, 'tag-06-no-match')
    expect(pageErrors).toEqual([])
  })
})
