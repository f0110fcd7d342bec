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

  it('applies the preset from the render panel as a new output track', async () => {
    await page.getByTestId('render-preset').selectOption({ label: 'Fitted voice' })
    await page.getByTestId('apply-preset').click()
    await expect.poll(() => page.getByTestId('track-output').count(), { timeout: 60_000 }).toBe(2)
    await shot(page, 'chain-04-preset-applied')
    expect(pageErrors).toEqual([])
  })
})
