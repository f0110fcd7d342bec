import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { importMtatDataset } from '../../src-main/api/datasets'
import { withLibrary } from '../../src-main/api/library'
import { writeSyntheticMtat } from '../../bench/library'
import { CHROMIUM } from './support/browser'
import { appSuite } from './support/suite'
import { frameStats, recordScrollFrames } from './support/scroll-frames'
import { filterNothing, filterSlowLoudNotClassical, renderGuitarWithStyle, shownKeys } from './support/tag-steps'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

// A producer using MagnaTagATune as a sample library: filter, audition, take one clip as the style.
describe.skipIf(!hasChromium)('tag browser in Chromium against npm run serve', { timeout: 240_000 }, () => {
  const s = appSuite(root, {
    prefix: 'eb-e2e-tags-',
    // The MTAT-format fixture (24 clips, one without its MP3), imported before the app opens.
    prepare: (dataDir) => withLibrary(dataDir, (lib) => importMtatDataset(lib, join(root, 'test', 'fixtures', 'mtat', 'dataset'))),
    viewport: { width: 1440, height: 900 }
  })
  let page: Page
  beforeAll(() => {
    page = s.page
  })

  it('opens the tag browser on the import: merged tags with counts, every clip listed', async () => {
    await page.goto(s.served.url)
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
    await filterSlowLoudNotClassical(page)
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

  it('renders with the clip as style, finds the render in the library with its measures, deletes it and its file', async () => {
    await renderGuitarWithStyle(page)
    const [stored] = await withLibrary(s.dataDir, (lib) => lib.renders.list())
    expect(stored).toBeDefined()
    expect(existsSync(stored!.outputPath)).toBe(true)
    await page.getByTestId('toggle-tags').click()
    await page.getByTestId('toggle-library').click()
    const row = page.getByTestId(`render-${stored!.id}`)
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => page.getByTestId('library-panel').locator('[data-testid^="library-dataset-"]').textContent()).toContain('24 clips, 1 without audio')
    expect(await row.textContent()).toContain('texture')
    expect(await row.getByTestId('render-measures').textContent()).toMatch(/style distance of the content [\d.e+-]+ · style distance of the output [\d.e+-]+ · content distance [\d.e+-]+/)
    await row.getByTestId('render-play').click()
    await expect.poll(() => row.getAttribute('class')).toContain('playing')
    await shot(page, 'library-01-renders')
    await row.getByTestId('render-play').click()
    await row.getByTestId('render-delete').click()
    await shot(page, 'library-02-confirm-delete')
    expect(existsSync(stored!.outputPath)).toBe(true)
    await row.getByTestId('render-confirm-delete').click()
    await expect.poll(() => row.count()).toBe(0)
    expect(existsSync(stored!.outputPath)).toBe(false)
    expect(await page.getByTestId('library-note').textContent()).toBe(`render ${stored!.id} deleted`)
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(0)
    expect(await withLibrary(s.dataDir, (lib) => lib.integrityCheck())).toBe('ok')
    await shot(page, 'library-03-deleted')
    await page.getByTestId('toggle-library').click()
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('8 clips')
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
    await filterNothing(page)
    await shot(page, 'tag-06-no-match')
    expect(s.pageErrors).toEqual([])
  })
})

// The list a sample browser must keep smooth: the full MagnaTagATune size, scrolled through in the page.
describe.skipIf(!hasChromium)('tag browser over 25,863 generated clips in Chromium', { timeout: 240_000 }, () => {
  const s = appSuite(root, {
    prefix: 'eb-e2e-tags25k-',
    prepare: async (dataDir) => {
      const source = join(dataDir, 'mtat-synthetic')
      await mkdir(source)
      writeSyntheticMtat(source)
      await withLibrary(dataDir, (lib) => importMtatDataset(lib, source))
    },
    viewport: { width: 1440, height: 900 }
  })

  it('scrolls the whole list with frame times recorded through the page, rows filled where it stops', async () => {
    const page = s.page
    await page.goto(s.served.url)
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tag-total').textContent(), { timeout: 30_000 }).toBe('25,863 clips')
    // Two seconds of scrolling, one step per animation frame, from the top to the bottom of the list.
    const frames = await recordScrollFrames(page.getByTestId('clip-list'))
    const { medianMs: median, p95Ms: p95, overBudgetShare } = frameStats(frames)
    await writeFile(join(shots, 'tag-scroll-frames.json'), JSON.stringify({ frames: frames.length, medianMs: median, p95Ms: p95, overBudgetShare }) + '\n')
    console.log(`tag list scroll over 25,863 rows: median frame ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${frames.length} frames)`)
    // The figures are recorded, not asserted: performance targets live in `npm run bench`, never in
    // timed tests (a loaded CI machine would fail a working list). The test checks the frames came.
    expect(frames.length).toBeGreaterThan(30)
    expect(median).toBeGreaterThan(0)
    await expect.poll(() => shownKeys(page), { timeout: 10_000 }).toContain('25864')
    await shot(page, 'tag-07-scrolled-25k')
    expect(s.pageErrors).toEqual([])
  })
})
