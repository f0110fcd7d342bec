import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../src-main/api/library'
import { writeSyntheticMtat } from '../../bench/library'
import { CHROMIUM } from './support/browser'
import { appSuite } from './support/suite'
import { filterNothing, filterSlowLoudNotClassical, renderGuitarWithStyle } from './support/tag-steps'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })
const fixture = join(root, 'test', 'fixtures', 'mtat', 'dataset')

/** Fills the import form (opening it first) and starts the import. */
async function importThroughForm(page: Page, kind: string, path: string, name = ''): Promise<void> {
  if ((await page.getByTestId('import-open').count()) > 0) await page.getByTestId('import-open').click()
  await page.getByTestId('import-kind').selectOption(kind)
  await page.getByTestId('import-path').fill(path)
  await page.getByTestId('import-name').fill(name)
  await page.getByTestId('import-start').click()
}

// Issue 17's walk, every step through the app in Chromium: import the MTAT-format fixture with the
// import form, filter, audition, see a tagger's predictions, use a clip as style, render, find and
// delete the render in the library; and the bad inputs, each answered in one line.
describe.skipIf(!hasChromium)('dataset import and tag browser, all through the app in Chromium', { timeout: 240_000 }, () => {
  const s = appSuite(root, { prefix: 'eb-e2e-tagimport-', viewport: { width: 1440, height: 900 } })
  let page: Page
  /** A copy of the fixture the test can move away (the moved-folder case). */
  let source: string
  let sourceParent: string
  let datasetId: number
  const integrity = (): Promise<string> => withLibrary(s.dataDir, (lib) => lib.integrityCheck())

  beforeAll(async () => {
    page = s.page
    sourceParent = await mkdtemp(join(tmpdir(), 'eb-e2e-mtat-copy-'))
    source = join(sourceParent, 'magnatagatune')
    await cp(fixture, source, { recursive: true })
  })
  afterAll(async () => {
    if (sourceParent) await rm(sourceParent, { recursive: true, force: true })
  })

  it('refuses a folder of another kind in one line, and imports the fixture with a name through the form', async () => {
    await page.goto(s.served.url)
    await expect.poll(() => page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tag-note').textContent(), { timeout: 15_000 }).toMatch(/^No MagnaTagATune import yet/)
    const vctk = join(root, 'test', 'fixtures', 'vctk', 'v092')
    await importThroughForm(page, 'mtat', vctk)
    await expect
      .poll(() => page.getByTestId('import-result').textContent(), { timeout: 15_000 })
      .toBe(`MagnaTagATune folder ${vctk}: not a MagnaTagATune folder (no annotations_final.csv); it looks like a VCTK folder`)
    expect(await page.getByTestId('import-result').getAttribute('class')).toContain('error')
    expect(await withLibrary(s.dataDir, (lib) => lib.datasets.list().length)).toBe(0)
    expect(await integrity()).toBe('ok')
    await shot(page, 'tag-import-01-wrong-kind')

    await importThroughForm(page, 'mtat', source, 'MTAT fixture')
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 60_000 }).toMatch(/^MTAT fixture: 24 clips \(23 usable, 1 without audio\), \d+ tags; train \d+, valid \d+$/)
    // No reload: the import's libraryChanged event brought the dataset, its tags and its clips.
    await expect.poll(() => page.getByTestId('tag-total').textContent(), { timeout: 15_000 }).toBe('24 clips')
    expect(await page.getByTestId('tag-dataset-info').textContent()).toContain('24 clips, 1 without audio')
    expect(await page.getByTestId('tag-slow').textContent()).toMatch(/^\s*slow\s*15\s*$/)
    datasetId = (await withLibrary(s.dataDir, (lib) => lib.datasets.list('mtat')))[0]!.id
    await shot(page, 'tag-import-02-imported')
  })

  it('shows an import made through another window without a reload, keeping the browse', async () => {
    const other = await s.browser.newPage()
    try {
      await other.goto(s.served.url)
      await other.getByTestId('toggle-tags').click()
      await expect.poll(() => other.getByTestId('tag-total').textContent(), { timeout: 15_000 }).toBe('24 clips')
      await importThroughForm(other, 'mtat', join(root, 'test', 'fixtures', 'mtat-train', 'dataset'), 'MTAT training fixture')
      await expect.poll(() => other.getByTestId('import-result').textContent(), { timeout: 60_000 }).toMatch(/^MTAT training fixture: 320 clips/)
    } finally {
      await other.close()
    }
    const options = page.getByTestId('tag-dataset').locator('option')
    await expect.poll(() => options.allTextContents(), { timeout: 15_000 }).toEqual(expect.arrayContaining(['MTAT fixture', 'MTAT training fixture']))
    expect(await page.getByTestId('tag-dataset').inputValue()).toBe(String(datasetId))
    expect(await page.getByTestId('tag-total').textContent()).toBe('24 clips')
    await shot(page, 'tag-import-03-second-import-live')
  })

  it('shows a long import on its progress bar, and Cancel leaves the library as it was', async () => {
    // The generated full-size annotations (25,863 rows, no MP3s): long enough to watch and cancel.
    const big = join(sourceParent, 'full-size')
    await mkdir(big)
    writeSyntheticMtat(big)
    await importThroughForm(page, 'mtat', big)
    const bar = page.getByTestId('import-progress')
    await expect.poll(async () => Number((await bar.count()) > 0 ? await bar.getAttribute('data-percent') : -1), { timeout: 60_000, interval: 50 }).toBeGreaterThan(0)
    await shot(page, 'tag-import-03a-progress')
    await page.getByTestId('import-cancel').click()
    await expect.poll(() => page.getByTestId('import-result').textContent(), { timeout: 30_000 }).toBe(`import of ${big}: cancelled; the library is as it was`)
    expect(await withLibrary(s.dataDir, (lib) => lib.datasets.list().map((d) => d.name).sort())).toEqual(['MTAT fixture', 'MTAT training fixture'])
    expect(await integrity()).toBe('ok')
    await page.getByTestId('import-close').click()
  })

  it('filters by two tags and one NOT, and auditions a clip', async () => {
    await filterSlowLoudNotClassical(page)
    const row = page.getByTestId('clip-22')
    await row.click()
    await expect.poll(() => row.getAttribute('class'), { timeout: 15_000 }).toContain('playing')
    expect(await page.getByTestId('selected-clip').textContent()).toBeTruthy()
    expect(await page.getByTestId('annotated-tags').textContent()).toContain('slow')
    await shot(page, 'tag-import-04-filtered-audition')
    await row.click()
    await expect.poll(() => row.getAttribute('class')).not.toContain('playing')
  })

  it("shows a trained tagger's predicted tags with probabilities beside the annotated ones", async () => {
    // A tagger trained on the imported dataset (the CLI writes the same library the host reads).
    const train = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src-main/cli/index.ts', 'train-tagger', '--dataset', String(datasetId), '--epochs', '1', '--top', '5', '--batch', '4', '--split', 'shuffled', '--data-dir', s.dataDir, '--json'],
      { cwd: root, timeout: 180_000 }
    )
    const modelId = JSON.parse(train.stdout.trim().split('\n').at(-1)!).modelId as number
    // Closing and opening the browser reads the model list again.
    await page.getByTestId('toggle-tags').click()
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tagger-select').locator('option').count(), { timeout: 15_000 }).toBe(2)
    await page.getByTestId('tagger-select').selectOption(String(modelId))
    await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('8 clips')
    await page.getByTestId('clip-22').click()
    const predicted = page.getByTestId('predicted-tags').locator('.pred')
    await expect.poll(() => predicted.count(), { timeout: 60_000 }).toBe(5)
    for (const text of await predicted.allTextContents()) expect(text).toMatch(/^\S.* (0|1)\.\d\d$/)
    await page.getByTestId('clip-22').click()
    await shot(page, 'tag-import-05-predicted-tags')
  })

  it('uses clips as style and content, renders, finds the render in the library with its measures, deletes it and its file', async () => {
    await page.getByTestId('clip-22').getByTestId('use-style').click()
    await expect.poll(() => page.getByTestId('track-style').getByTestId('track-label').textContent(), { timeout: 15_000 }).toMatch(/piano.*\.mp3$/)
    await renderGuitarWithStyle(page)
    const [stored] = await withLibrary(s.dataDir, (lib) => lib.renders.list())
    expect(existsSync(stored!.outputPath)).toBe(true)
    await page.getByTestId('toggle-tags').click()
    await page.getByTestId('toggle-library').click()
    const row = page.getByTestId(`render-${stored!.id}`)
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    expect(await row.getByTestId('render-measures').textContent()).toMatch(/style distance of the content [\d.e+-]+ · style distance of the output [\d.e+-]+ · content distance [\d.e+-]+/)
    await shot(page, 'library-import-01-render')
    await row.getByTestId('render-delete').click()
    await row.getByTestId('render-confirm-delete').click()
    await expect.poll(() => row.count()).toBe(0)
    expect(existsSync(stored!.outputPath)).toBe(false)
    expect(await integrity()).toBe('ok')
    await shot(page, 'library-import-02-deleted')
    await page.getByTestId('toggle-library').click()
    await page.getByTestId('toggle-tags').click()
    await expect.poll(() => page.getByTestId('tag-total').textContent()).toBe('8 clips')
  })

  it('answers a filter that matches nothing with a note', async () => {
    await filterNothing(page)
    expect(await integrity()).toBe('ok')
    await shot(page, 'tag-import-06-no-match')
    await page.getByTestId('tag-clear').click()
  })

  it('says the dataset folder moved, and where a clip was looked for', async () => {
    const moved = join(sourceParent, 'moved-away')
    await rename(source, moved)
    await page.getByTestId('tag-reload').click()
    await expect.poll(() => page.getByTestId('tag-dataset-info').textContent(), { timeout: 15_000 }).toContain(`folder moved or gone: ${source}`)
    expect(await page.getByTestId('clip-22').textContent()).toContain('folder moved')
    expect(await page.getByTestId('clip-22').getByTestId('use-style').isDisabled()).toBe(true)
    await page.getByTestId('clip-22').click()
    await expect
      .poll(() => page.getByTestId('message').textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`^clip 22: audio file missing \\(${source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/.+\\.mp3\\); has the dataset folder moved\\?`))
    expect(await integrity()).toBe('ok')
    await shot(page, 'tag-import-07-folder-moved')
    await rename(moved, source)
    expect(s.pageErrors.filter((e) => !/Failed to load resource/.test(e))).toEqual([])
  })
})
