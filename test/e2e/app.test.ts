import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
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

if (!hasChromium) {
  console.warn(`\n${'!'.repeat(72)}\n!! END-TO-END TESTS SKIPPED: ${CHROMIUM} not found (apt-get install chromium)\n${'!'.repeat(72)}\n`)
}

/** Seconds shown by the transport clock ("m:ss.cc"). */
async function clock(page: Page): Promise<number> {
  const text = (await page.getByTestId('clock').textContent()) ?? ''
  const [m, s] = text.trim().split(':')
  return Number(m) * 60 + Number(s)
}

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

// One browser session walks the producer's path in order; each step depends on the previous one.
describe.skipIf(!hasChromium)('desktop app in Chromium against npm run serve', { timeout: 240_000 }, () => {
  let dataDir: string
  let served: Served
  let browser: BrowserContext
  let page: Page
  let pageErrors: string[] = []

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    dataDir = await mkdtemp(join(tmpdir(), 'eb-e2e-data-'))
    // The small MagnaTagATune fixture (23 two-second clips), imported as a user would before opening the app.
    await withLibrary(dataDir, (lib) => importMtatDataset(lib, join(root, 'test', 'fixtures', 'mtat', 'dataset')))
    ;({ served, browser, page, pageErrors } = await openAppSession(root, dataDir))
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('refuses the page without the token', async () => {
    const res = await fetch(`${served.origin}/`)
    expect(res.status).toBe(401)
  })

  it('opens with an empty content and style track and the bundled examples', async () => {
    await page.goto(served.url)
    await expect.poll(() => page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await expect.poll(() => page.getByTestId('save-state').textContent()).not.toContain('not saved')
    expect(await page.locator('.track').count()).toBe(2)
    await shot(page, '01-opened')
  })

  it('loads two example clips onto content and style and draws their waveforms', async () => {
    await page.getByTestId('example-content-voice.wav').getByTestId('to-content').click()
    await page.getByTestId('example-style-voice.wav').getByTestId('to-style').click()
    await expect.poll(() => page.getByTestId('track-content').getByTestId('track-label').textContent()).toBe('content-voice.wav')
    await expect.poll(() => page.getByTestId('track-style').getByTestId('track-label').textContent()).toBe('style-voice.wav')
    // The waveform is drawn: the lane canvas has coloured (non-transparent) pixels.
    const painted = await page.getByTestId('track-content').locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++
      return n
    })
    expect(painted).toBeGreaterThan(500)
    await shot(page, '02-clips-loaded')
  })

  it('the render form shows the defaults of the chosen method', async () => {
    expect(await page.getByTestId('content-weight').inputValue()).toBe('0.01')
    expect(await page.getByTestId('iterations').inputValue()).toBe('100')
    await page.getByTestId('method').selectOption('gram')
    expect(await page.getByTestId('content-weight').inputValue()).toBe('10')
    expect(await page.getByTestId('iterations').inputValue()).toBe('300')
    await page.getByTestId('method').selectOption('texture')
    expect(await page.getByTestId('content-weight').inputValue()).toBe('0.01')
  })

  it('renders with few iterations: the bar reaches 100% and an output track appears', async () => {
    await page.getByTestId('iterations').fill('5')
    await page.getByTestId('render').click()
    const progress = page.getByTestId('progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).toBe('running')
    await shot(page, '03-rendering')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('done')
    expect(await progress.getAttribute('data-percent')).toBe('100')
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(1)
    const output = page.getByTestId('track-output')
    expect(await output.getByTestId('track-name').textContent()).toBe('texture #1')
    expect(await output.getByTestId('track-label').textContent()).toMatch(/^style \S+ → \S+ · content \S+$/)
    await shot(page, '04-rendered')
  })

  it('plays and pauses (button and space bar), with the playhead and meters moving', async () => {
    await page.getByTestId('play').click()
    await expect.poll(() => clock(page), { timeout: 10_000 }).toBeGreaterThan(0.3)
    // The master meter lights up while audio plays (polled: speech has silent gaps between words).
    const meter = (): Promise<number> => page.getByTestId('master-meter').locator('div').evaluate((d: HTMLElement) => parseFloat(d.style.width) || 0)
    await expect.poll(meter, { timeout: 5_000, interval: 50 }).toBeGreaterThan(0)
    await shot(page, '05-playing')
    await page.getByTestId('play').click()
    const paused = await clock(page)
    await page.waitForTimeout(600)
    expect(await clock(page)).toBe(paused)
    // Space bar: play, then pause again (with focus still on the play button, which must not also click).
    await page.keyboard.press('Space')
    await expect.poll(async () => (await page.getByTestId('play').getAttribute('class')) ?? '').toContain('on')
    await page.keyboard.press('Space')
    await expect.poll(async () => (await page.getByTestId('play').getAttribute('class')) ?? '').not.toContain('on')
  })

  it('seeks by clicking the ruler', async () => {
    const ruler = page.getByTestId('ruler')
    const box = (await ruler.boundingBox())!
    await ruler.click({ position: { x: box.width / 3, y: 10 } })
    const t = await clock(page)
    expect(t).toBeGreaterThan(0)
  })

  it('selects a loop region by dragging on the ruler and keeps playback inside it', async () => {
    const ruler = page.getByTestId('ruler')
    const box = (await ruler.boundingBox())!
    await page.mouse.move(box.x + box.width * 0.1, box.y + 10)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.3, box.y + 10, { steps: 5 })
    await page.mouse.up()
    const loop = page.getByTestId('loop')
    expect(await loop.getAttribute('class')).toContain('on')
    const [start, end] = ((await loop.getAttribute('data-loop')) ?? '').split('-').map(Number) as [number, number]
    expect(end - start).toBeGreaterThan(0.1)
    await page.getByTestId('play').click()
    // Sample the clock for longer than two passes through the region: every reading stays inside it
    // (50 ms of slack: the clock is read from the page while the transport keeps running).
    const readings: number[] = []
    const until = Date.now() + Math.max(1500, (end - start) * 2500)
    while (Date.now() < until) {
      readings.push(await clock(page))
      await page.waitForTimeout(100)
    }
    await page.getByTestId('play').click()
    await shot(page, '06-loop')
    await loop.click()
    expect(await loop.getAttribute('class')).not.toContain('on')
    expect(Math.min(...readings)).toBeGreaterThanOrEqual(start - 0.05)
    expect(Math.max(...readings)).toBeLessThanOrEqual(end + 0.05)
  })

  it('switches A/B between the output and its content at the same position', async () => {
    await page.getByTestId('ab').click()
    expect(await page.getByTestId('ab-state').textContent()).toContain('A: texture #1')
    expect(await page.getByTestId('track-output').getAttribute('data-audible')).toBe('true')
    expect(await page.getByTestId('track-content').getAttribute('data-audible')).toBe('false')
    const before = await clock(page)
    await page.getByTestId('ab').click()
    expect(await page.getByTestId('ab-state').textContent()).toContain('B: content')
    expect(await page.getByTestId('track-output').getAttribute('data-audible')).toBe('false')
    expect(await page.getByTestId('track-content').getAttribute('data-audible')).toBe('true')
    expect(await clock(page)).toBe(before)
    await shot(page, '07-ab-content')
    await page.getByTestId('ab-off').click()
  })

  it('mutes and solos tracks from their headers', async () => {
    const content = page.getByTestId('track-content')
    const output = page.getByTestId('track-output')
    await content.getByTestId('mute').click()
    expect(await content.getAttribute('data-audible')).toBe('false')
    await output.getByTestId('solo').click()
    expect(await page.getByTestId('track-style').getAttribute('data-audible')).toBe('false')
    expect(await output.getAttribute('data-audible')).toBe('true')
    await output.getByTestId('solo').click()
    await content.getByTestId('mute').click()
    for (const kind of ['content', 'style', 'output']) expect(await page.getByTestId(`track-${kind}`).getAttribute('data-audible')).toBe('true')
  })

  it('cancels a long render: the job ends cancelled and no output track is added', async () => {
    await page.getByTestId('iterations').fill('3000')
    await page.getByTestId('render').click()
    const progress = page.getByTestId('progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).toBe('running')
    await page.getByTestId('cancel').click()
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000 }).toBe('cancelled')
    await shot(page, '08-cancelled')
    expect(await page.getByTestId('track-output').count()).toBe(1)
    await page.getByTestId('iterations').fill('5')
  })

  it('exports the output as a WAV file', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('track-output').getByTestId('export').click()])
    const bytes = await readFile((await download.path())!)
    expect(download.suggestedFilename()).toMatch(/^content-voice-texture-[0-9a-f]{8}\.wav$/)
    expect(bytes.subarray(0, 4).toString()).toBe('RIFF')
    expect(bytes.subarray(8, 12).toString()).toBe('WAVE')
    expect(bytes.byteLength).toBeGreaterThan(1000)
  })

  it('reloads and finds the project again, output track included', async () => {
    await expect.poll(() => page.getByTestId('save-state').textContent()).toBe('saved')
    const name = await page.getByTestId('project-name').inputValue()
    await page.reload()
    await expect.poll(() => page.getByTestId('track-output').count(), { timeout: 30_000 }).toBe(1)
    expect(await page.getByTestId('project-name').inputValue()).toBe(name)
    expect(await page.getByTestId('track-content').getByTestId('track-label').textContent()).toBe('content-voice.wav')
    expect(await page.getByTestId('track-style').getByTestId('track-label').textContent()).toBe('style-voice.wav')
    expect(await page.getByTestId('track-output').getByTestId('track-label').textContent()).toMatch(/^style \S+ → \S+ · content \S+$/)
    await shot(page, '09-reloaded')
  })

  it('keeps a render that finishes while the page reloads: its track is saved by the host', async () => {
    await page.getByTestId('iterations').fill('20')
    await page.getByTestId('render').click()
    await expect.poll(() => page.getByTestId('progress').getAttribute('data-status'), { timeout: 15_000 }).toBe('running')
    await page.reload()
    await expect.poll(() => page.getByTestId('track-output').count(), { timeout: 180_000, interval: 500 }).toBe(2)
    expect(await page.getByTestId('track-output').nth(1).getByTestId('track-name').textContent()).toBe('texture #2')
    await shot(page, '10-render-across-reload')
  })

  it('uploads a file from disk onto the style track (the browser path of the open-file button)', async () => {
    await page.getByTestId('track-style').getByTestId('file-input').setInputFiles(join(root, 'resources', 'examples', 'style-music.wav'))
    await expect.poll(() => page.getByTestId('track-style').getByTestId('track-label').textContent(), { timeout: 20_000 }).toBe('style-music.wav')
    await page.getByTestId('spectrogram').click()
    await page.waitForTimeout(1500)
    await shot(page, '11-uploaded-spectrogram')
  })

  it('takes an audio file dropped on the content track', async () => {
    const bytes = await readFile(join(root, 'resources', 'examples', 'content-voice.wav'))
    const transfer = await page.evaluateHandle((data) => {
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(data)], 'dropped-voice.wav', { type: 'audio/wav' }))
      return dt
    }, [...bytes])
    await page.getByTestId('track-content').locator('.lane').dispatchEvent('drop', { dataTransfer: transfer })
    await expect.poll(() => page.getByTestId('track-content').getByTestId('track-label').textContent(), { timeout: 20_000 }).toBe('dropped-voice.wav')
  })

  it('zooms in and scrolls the timeline', async () => {
    await page.getByTestId('spectrogram').click()
    const firstLabel = async (): Promise<string> => (await page.getByTestId('ruler').getAttribute('data-first')) ?? ''
    const before = await firstLabel()
    for (let i = 0; i < 4; i++) await page.getByTestId('zoom-in').click()
    const scrollbar = page.getByTestId('hscroll')
    await expect.poll(() => scrollbar.count()).toBe(1)
    await scrollbar.fill(String(Number(await scrollbar.getAttribute('max')) / 2))
    await expect.poll(firstLabel).not.toBe(before)
    await shot(page, '12-zoomed-scrolled')
  })

  it('asks for a tagger to be trained when a clip is tagged before there is one', async () => {
    const before = pageErrors.length
    const content = page.getByTestId('track-content')
    await page.getByTestId('example-content-music.wav').getByTestId('to-content').click()
    await expect.poll(() => content.getByTestId('track-label').textContent()).toBe('content-music.wav')
    await page.getByTestId('zoom-fit').click()
    await content.getByTestId('tag').click()
    await expect.poll(() => content.getByTestId('tag-error').textContent(), { timeout: 15_000 }).toContain('No trained tagger yet: train one in the Training panel')
    await shot(page, '13-tag-without-tagger')
    // The refusal is an HTTP 422 that Chromium logs as a failed resource load; nothing else may be logged.
    const logged = pageErrors.splice(before)
    for (const line of logged) expect(line).toMatch(/status of 422/)
    await content.getByTestId('open-tagger').click()
    await expect.poll(() => page.getByTestId('training-panel').count()).toBe(1)
    await content.getByTestId('tags-close').click()
  })

  it('trains a 2-epoch tagger from the panel: progress, live curves, then the run and its checkpoints in the list', async () => {
    const panel = page.getByTestId('training-panel')
    expect(await panel.getByTestId('train-dataset-info').textContent()).toMatch(/^23 clips · \d+ tags$/)
    // The fixture's standard split has no valid folder; its shuffled 95/5 split has 22 train clips and 1 valid.
    await panel.getByTestId('train-split').selectOption('shuffled')
    await panel.getByTestId('train-top').fill('5')
    await panel.getByTestId('train-epochs').fill('2')
    await panel.getByTestId('train-batch').fill('2')
    await panel.getByTestId('train-start').click()
    const progress = panel.getByTestId('train-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).not.toBeNull()
    await expect.poll(async () => Number(await panel.getByTestId('curve-chart').getAttribute('data-points')), { timeout: 120_000, interval: 250 }).toBeGreaterThan(0)
    expect(await panel.getByTestId('curve-chart').locator('canvas').count()).toBeGreaterThan(0)
    if ((await progress.getAttribute('data-status')) === 'running') await shot(page, '14-training')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('done')
    expect(await progress.getAttribute('data-percent')).toBe('100')
    // 22 clips in batches of 2: 11 batches an epoch, one loss point each.
    await expect.poll(async () => Number(await panel.getByTestId('curve-chart').getAttribute('data-points')), { timeout: 10_000 }).toBe(22)
    await expect.poll(() => page.getByTestId('message').textContent()).toMatch(/^Training finished: run \d+, 2 epochs/)
    const run = panel.getByTestId('model-list').locator('[data-testid^="run-"]').first()
    await expect.poll(() => run.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed')
    expect(await run.getByTestId('checkpoint').count()).toBe(2)
    expect(await panel.getByTestId('tagger-badge').count()).toBe(1)
    await shot(page, '15-trained')
  })

  it('tags the content clip with the new tagger: chips with percentages beside the track', async () => {
    const content = page.getByTestId('track-content')
    await content.getByTestId('tag').click()
    const chips = content.getByTestId('tag-chip')
    await expect.poll(() => chips.count(), { timeout: 60_000 }).toBe(5)
    for (const text of await chips.allTextContents()) expect(text.trim()).toMatch(/^\S.* (\d{1,3}%|<1%)$/)
    await shot(page, '16-tagged')
  })

  it('logged no page errors', () => {
    expect(pageErrors).toEqual([])
  })
})
