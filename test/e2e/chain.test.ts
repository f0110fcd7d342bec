import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLibrary } from '../../src-main/api/library'
import { neutralChain } from '../../src-main/engine/effects/chain'
import { CHROMIUM } from './support/browser'
import type { Served } from './support/serve'
import { openAppSession } from './support/session'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

/** A knob's value as the panel holds it. */
const knob = async (page: Page, path: string): Promise<number> => Number(await page.getByTestId(`knob-${path}`).getAttribute('data-value'))

// A producer's path through the match method: render, see the fitted chain, turn a knob, keep a preset.
describe.skipIf(!hasChromium)('effect chain panel in Chromium against npm run serve', { timeout: 240_000 }, () => {
  let dataDir: string
  let served: Served
  let browser: BrowserContext
  let page: Page
  let pageErrors: string[] = []

  beforeAll(async () => {
    await mkdir(shots, { recursive: true })
    dataDir = await mkdtemp(join(tmpdir(), 'eb-e2e-chain-'))
    ;({ served, browser, page, pageErrors } = await openAppSession(root, dataDir))
    await page.setViewportSize({ width: 1440, height: 900 })
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })

  it('renders match on the bundled voice pair and opens its fitted chain', async () => {
    await page.goto(served.url)
    await expect.poll(() => page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await page.getByTestId('example-content-voice.wav').getByTestId('to-content').click()
    await page.getByTestId('example-style-voice.wav').getByTestId('to-style').click()
    await page.getByTestId('method').selectOption('match')
    expect(await page.getByTestId('iterations').count()).toBe(0)
    await page.getByTestId('render').click()
    const progress = page.getByTestId('progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 180_000, interval: 500 }).toBe('done')
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(1)
    expect(await page.getByTestId('track-output').getByTestId('track-name').textContent()).toBe('match #1')
    const panel = page.getByTestId('chain-panel')
    await expect.poll(() => panel.count()).toBe(1)
    // The knobs hold the fitted values: the chain the render reports, which is not the neutral one.
    const neutral = neutralChain()
    const fitted = [await knob(page, 'compressor.ratio'), await knob(page, 'eq.bands.0.gain'), await knob(page, 'output.loudness')]
    expect(fitted).not.toEqual([neutral.compressor.ratio, neutral.eq.bands[0]!.gain, neutral.output.loudness])
    expect(await page.getByTestId('measure-loudness').locator('td').count()).toBe(3)
    await shot(page, 'chain-01-fitted')
    // The whole panel fits a 1440 x 900 window: no stage below the fold, no scrolling in the knobs.
    const box = (await panel.boundingBox())!
    expect(box.y + box.height).toBeLessThanOrEqual(900)
    const knobs = page.locator('.chain-knobs')
    expect(await knobs.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1)
    for (const stage of ['eq', 'compressor', 'saturation', 'reverb', 'output']) {
      const b = (await page.getByTestId(`stage-${stage}`).boundingBox())!
      expect(b.y + b.height, stage).toBeLessThanOrEqual(box.y + box.height)
    }
    // The EQ's filters in frequency order, each band's freq, gain and Q in one column.
    const freqs = await page.locator('[data-testid^="eq-col-eq.bands."] [data-testid$=".freq"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))
    expect(freqs.length).toBeGreaterThanOrEqual(4)
    expect([...freqs].sort((a, b) => a - b)).toEqual(freqs)
    expect(await page.locator('[data-testid="eq-col-eq.bands.0.freq"] .knob').count()).toBe(3)
  })

  it('turning a knob re-renders the output track in place, and A/B still works', async () => {
    const panel = page.getByTestId('chain-panel')
    const before = await knob(page, 'reverb.wet')
    const label = await page.getByTestId('track-output').getByTestId('track-label').textContent()
    await page.getByTestId('knob-reverb.wet').focus()
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowUp')
    expect(await knob(page, 'reverb.wet')).toBeGreaterThan(before)
    await expect.poll(() => panel.getAttribute('data-renders'), { timeout: 60_000 }).not.toBe('0')
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    expect(await page.getByTestId('chain-status').textContent()).toMatch(/rendered in \d+ ms/)
    // Every re-render measures its output (the content and style columns come from the render).
    expect(await page.getByTestId('measure-loudness').locator('td.out').textContent()).toMatch(/^-\d+\.\d LUFS$/)
    expect(await page.getByTestId('measure-spectralCentroid').locator('td.out').textContent()).toMatch(/^\d+ Hz$/)
    // Still one output track, now rendered with the new chain (its distances measured again).
    expect(await page.getByTestId('track-output').count()).toBe(1)
    expect(await page.getByTestId('track-output').getByTestId('track-label').textContent()).not.toBe(label)
    // Double-click to type a value.
    await page.getByTestId('knob-compressor.ratio').dblclick()
    await page.getByTestId('knob-input').fill('6')
    await page.keyboard.press('Enter')
    expect(await knob(page, 'compressor.ratio')).toBe(6)
    await expect.poll(() => panel.getAttribute('data-renders'), { timeout: 60_000 }).toBe('2')
    // Typing: an exponent reads as such, Enter closes the box, a clamp is said.
    const bandFreq = page.getByTestId('knob-eq.bands.0.freq')
    await bandFreq.dblclick()
    await page.getByTestId('knob-input').fill('1e4')
    await page.keyboard.press('Enter')
    expect(await page.getByTestId('knob-input').count()).toBe(0)
    expect(await knob(page, 'eq.bands.0.freq')).toBe(10_000)
    // Each edit lands before the next (a superseded edit is cancelled, which the browser logs as a 422).
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    await page.getByTestId('knob-compressor.ratio').dblclick()
    await page.getByTestId('knob-input').fill('1000')
    await page.keyboard.press('Enter')
    expect(await knob(page, 'compressor.ratio')).toBe(50)
    expect(await page.getByTestId('knob-compressor.ratio').getByTestId('knob-note').textContent()).toBe('ratio: 1000 is above 50; set to 50')
    await shot(page, 'chain-02a-typed-clamp')
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    // A loudness target the ceiling does not allow: the chain's note is shown in the panel.
    await page.getByTestId('knob-output.loudness').dblclick()
    await page.getByTestId('knob-input').fill('0')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('chain-notes').textContent(), { timeout: 60_000 }).toMatch(/not 0/)
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    // A stage that does nothing reads "off", not "100 %".
    await page.getByTestId('knob-reverb.wet').dblclick()
    await page.getByTestId('knob-input').fill('0')
    await page.keyboard.press('Enter')
    expect(await page.getByTestId('knob-reverb.amount').getByTestId('knob-value').textContent()).toBe('off')
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    await shot(page, 'chain-02b-notes-off')
    // Back to the fitted chain: the same output as the match render itself, so the same label (style
    // distance from the render's baseline, at the render's 44.1 kHz).
    const renders = Number(await panel.getAttribute('data-renders'))
    await page.getByTestId('chain-reset').click()
    await expect.poll(() => panel.getAttribute('data-renders'), { timeout: 60_000 }).toBe(String(renders + 1))
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    expect(await page.getByTestId('track-output').getByTestId('track-label').textContent()).toBe(label)
    await page.getByTestId('track-output').getByTestId('track-ab').click()
    expect(await page.getByTestId('ab-state').textContent()).toContain('A: match #1')
    await page.getByTestId('ab-off').click()
    await shot(page, 'chain-02-edited')
  })

  it('bypasses a stage and saves the chain as a preset the render panel offers', async () => {
    await page.getByTestId('bypass-saturation').click()
    expect(await knob(page, 'saturation.amount')).toBe(0)
    await page.getByTestId('preset-name').fill('Fitted voice')
    await page.getByTestId('preset-save').click()
    await expect.poll(() => page.getByTestId('preset-saved').textContent()).toMatch(/saved as preset \d+/)
    await expect.poll(() => page.getByTestId('render-preset').locator('option', { hasText: 'Fitted voice' }).count()).toBe(1)
    const presets = await withLibrary(dataDir, (lib) => lib.presets.list())
    expect(presets.map((p) => p.name)).toEqual(['Fitted voice'])
    expect(presets[0]!.chain!.saturation.amount).toBe(0)
    expect(presets[0]!.sourceRenderId).not.toBeNull()
    await shot(page, 'chain-03-preset-saved')
  })

  it('keeps the render panel\'s method across a reload', async () => {
    expect(await page.getByTestId('method').inputValue()).toBe('match')
    await page.reload()
    await expect.poll(() => page.getByTestId('method').count(), { timeout: 30_000 }).toBe(1)
    expect(await page.getByTestId('method').inputValue()).toBe('match')
    await expect.poll(() => page.getByTestId('track-output').count(), { timeout: 30_000 }).toBe(1)
  })

  it('applies the preset from the render panel as a new output track', async () => {
    await page.getByTestId('render-preset').selectOption({ label: 'Fitted voice' })
    await page.getByTestId('apply-preset').click()
    await expect.poll(() => page.getByTestId('track-output').count(), { timeout: 60_000 }).toBe(2)
    await shot(page, 'chain-04-preset-applied')
    expect(pageErrors).toEqual([])
  })
})
