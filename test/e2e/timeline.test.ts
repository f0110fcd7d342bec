import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { withLibrary } from '../../src-main/api/library'
import { neutralChain } from '../../src-main/engine/effects/chain'
import { CHROMIUM } from './support/browser'
import { appSuite } from './support/suite'

const root = fileURLToPath(new URL('../../', import.meta.url))
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(root, 'test-results', 'e2e', `${name}.png`) })
const hall = { ...neutralChain(), reverb: { ...neutralChain().reverb, wet: 0.5, decay: 2 } }

// The timeline as output tracks come and go: a chain output added (a preset with a hall reverb, whose
// tail the chain panel can render past the content), zoomed, scrolled, removed.
describe.skipIf(!hasChromium)('timeline in Chromium against npm run serve', { timeout: 240_000 }, () => {
  const s = appSuite(root, { prefix: 'eb-e2e-timeline-', prepare: (dataDir) => withLibrary(dataDir, (lib) => lib.presets.add({ name: 'Hall', chain: hall })), viewport: { width: 1440, height: 900 } })

  it('adds a chain output track cut at the content\'s length; the chain panel\'s box renders the reverb tail past it', async () => {
    await s.page.goto(s.served.url)
    await expect.poll(() => s.page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await s.page.getByTestId('example-content-voice.wav').getByTestId('to-content').click()
    await s.page.getByTestId('example-style-voice.wav').getByTestId('to-style').click()
    await expect.poll(() => s.page.getByTestId('render-preset').locator('option', { hasText: 'Hall' }).count(), { timeout: 30_000 }).toBe(1)
    await s.page.getByTestId('render-preset').selectOption({ label: 'Hall' })
    await s.page.getByTestId('apply-preset').click()
    await expect.poll(() => s.page.getByTestId('track-output').count(), { timeout: 60_000 }).toBe(1)
    // The chain panel opens on the new track by itself.
    const panel = s.page.getByTestId('chain-panel')
    await expect.poll(() => panel.count()).toBe(1)
    // At the fit zoom the scrollbar's range is a fixed share of the arrangement's length (the view is
    // that length over a margin; the range runs to its end less half a view): lengths compare as ranges.
    const scrollbar = s.page.getByTestId('hscroll')
    const fitRange = async (): Promise<number> => {
      await s.page.getByTestId('zoom-fit').click()
      return Number(await scrollbar.getAttribute('max'))
    }
    // The arrangement is the 2.1 s style clip: the output (the 1.1 s content, cut at its length) ends before it.
    const before = await fitRange()
    const tail = s.page.getByTestId('chain-tail')
    expect(await tail.isChecked()).toBe(false)
    expect((await tail.boundingBox())!.width).toBeGreaterThan(8)
    await tail.check()
    await expect.poll(() => panel.getAttribute('data-renders'), { timeout: 60_000 }).toBe('1')
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 60_000 }).toBe('idle')
    // A 2 s hall rings on for seconds past the content: the output is now the longest track.
    await expect.poll(async () => (await fitRange()) / before).toBeGreaterThan((1.07 + 1.5) / 2.11)
    for (let i = 0; i < 4; i++) await s.page.getByTestId('zoom-in').click()
    await scrollbar.fill((await scrollbar.getAttribute('max')) ?? '0')
    await shot(s.page, 'timeline-01-tail-scrolled')
  })

  it('removes the last output track: the view comes back within what is left, the scrollbar at the timeline\'s bottom, the chain panel closed', async () => {
    const timeline = s.page.getByTestId('timeline')
    const scrollbar = s.page.getByTestId('hscroll')
    await s.page.getByTestId('track-output').getByTestId('remove').click()
    await expect.poll(() => s.page.getByTestId('track-output').count()).toBe(0)
    // Its chain has nothing left to edit.
    await expect.poll(() => s.page.getByTestId('chain-panel').count()).toBe(0)
    // The scroll is clamped to the shorter arrangement: the thumb within its range, the style clip in view.
    await expect.poll(async () => Number(await scrollbar.inputValue())).toBeLessThanOrEqual(Number(await scrollbar.getAttribute('max')))
    // The view starts (seconds) before the 2.1 s style clip ends: some of it is in view, not an empty lane.
    expect(Number(await scrollbar.inputValue())).toBeLessThan(2.1)
    // The scrollbar row ends where the timeline ends, the space above it an empty lane, not a void.
    const box = (await timeline.boundingBox())!
    const row = (await s.page.getByTestId('scroll-row').boundingBox())!
    expect(Math.abs(row.y + row.height - (box.y + box.height))).toBeLessThanOrEqual(1)
    const fill = (await s.page.getByTestId('lane-fill').boundingBox())!
    expect(fill.height).toBeGreaterThan(100)
    expect(Math.abs(fill.y + fill.height - row.y)).toBeLessThanOrEqual(1)
    await shot(s.page, 'timeline-02-output-removed')
    expect(s.pageErrors).toEqual([])
  })
})
