import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { importVctkDataset } from '../../src-main/api/datasets'
import { withLibrary } from '../../src-main/api/library'
import { CHROMIUM } from './support/browser'
import { appWalk, transportClock } from './support/walk'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

// A producer's path through WaveNet: train a tiny one on two speakers of the VCTK fixture, generate
// from it for one of them, and hear the output on its new track.
describe.skipIf(!hasChromium)('WaveNet panels in Chromium against npm run serve', { timeout: 120_000 }, () => {
  // The VCTK-format fixture (4 speakers, 8 kHz), imported as a user would before opening the app.
  const walk = appWalk(root, 'eb-e2e-wavenet-', (dir) => withLibrary(dir, (lib) => importVctkDataset(lib, join(root, 'test', 'fixtures', 'vctk', 'v080'))))

  it('offers nothing to generate before a WaveNet is trained', async () => {
    await walk.page.goto(walk.served.url)
    const gen = walk.page.getByTestId('generate-panel')
    await expect.poll(() => gen.getByTestId('gen-no-model').count(), { timeout: 30_000 }).toBe(1)
    expect(await gen.getByTestId('gen-start').isDisabled()).toBe(true)
  })

  it('trains a tiny WaveNet one epoch on two ticked speakers: progress, live NLL curves, the run figures', async () => {
    await walk.page.getByTestId('toggle-training').click()
    const panel = walk.page.getByTestId('training-panel')
    await panel.getByTestId('train-family').selectOption('wavenet')
    expect(await panel.getByTestId('wn-dataset-info').textContent()).toMatch(/^\d+ clips · 4 speakers$/)
    // Speakers are listed with the gender the fixture's speaker-info gives.
    expect(await panel.getByTestId('wn-speaker-p225').textContent()).toMatch(/p225 · [FM]/)
    await panel.getByTestId('wn-speaker-p225').locator('input').check()
    await panel.getByTestId('wn-speaker-p226').locator('input').check()
    await panel.getByTestId('wn-preset').selectOption('tiny')
    await panel.getByTestId('wn-epochs').fill('1')
    await panel.getByTestId('train-start').click()
    const progress = panel.getByTestId('train-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).not.toBeNull()
    if ((await progress.getAttribute('data-status')) === 'running') await shot(walk.page, 'wavenet-01-training')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 60_000, interval: 250 }).toBe('done')
    await expect.poll(() => walk.page.getByTestId('message').textContent()).toMatch(/^WaveNet trained: run \d+, 1 epoch, receptive field 17 samples, valid NLL \d/)
    const chart = panel.getByTestId('curve-chart')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0)
    await expect.poll(() => panel.getByTestId('wn-rf').textContent(), { timeout: 10_000 }).toBe('17 samples (2.1 ms)')
    expect(await panel.getByTestId('wn-valid-nll').textContent()).toMatch(/^\d+\.\d{3} nats\/sample \(\d+\.\d\d bits\)$/)
    expect(await panel.getByTestId('wn-best').textContent()).toMatch(/^\d+$/)
    expect(await panel.getByTestId('model-meta').first().textContent()).toBe('wavenet/mulaw · 2 speakers · 8000 Hz · RF 17')
    // The valid NLL in bits is the nats figure over ln 2.
    const nats = Number(await panel.getByTestId('curve-nll').textContent())
    await panel.getByTestId('nll-unit').selectOption('bits')
    await expect.poll(async () => Number(await panel.getByTestId('curve-nll').textContent())).toBeCloseTo(nats / Math.log(2), 2)
    await shot(walk.page, 'wavenet-02-trained')
  })

  it("generates half a second for the second speaker: progress with the rate, then a new track that plays", async () => {
    const gen = walk.page.getByTestId('generate-panel')
    await expect.poll(() => gen.getByTestId('gen-speaker').locator('option').allTextContents(), { timeout: 10_000 }).toHaveLength(2)
    await gen.getByTestId('gen-speaker').selectOption('p226')
    await gen.getByTestId('gen-seconds').fill('0.5')
    await gen.getByTestId('gen-seed').fill('5')
    await gen.getByTestId('gen-start').click()
    const progress = gen.getByTestId('gen-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000, interval: 200 }).toBe('done')
    expect(await progress.getAttribute('data-percent')).toBe('100')
    expect(await gen.getByTestId('gen-rate').textContent()).toMatch(/^[\d,]+ samples\/s · \d+\.\d\d× realtime$/)
    await expect.poll(() => walk.page.getByTestId('track-output').count()).toBe(1)
    const track = walk.page.getByTestId('track-output')
    expect(await track.getByTestId('track-name').textContent()).toBe('wavenet p226 #1')
    expect(await track.getByTestId('track-label').textContent()).toMatch(/^wavenet-\d+-p226-\w{8}\.wav$/)
    await expect.poll(() => walk.page.getByTestId('message').textContent()).toMatch(/^Generated wavenet-\d+-p226-\w{8}\.wav: [\d,]+ samples\/s/)
    await shot(walk.page, 'wavenet-03-generated')
    await walk.page.getByTestId('play').click()
    await expect.poll(() => transportClock(walk.page), { timeout: 10_000 }).toBeGreaterThan(0.1)
    await walk.page.getByTestId('play').click()
    // The track is saved with the project: a reload shows it again.
    await expect.poll(() => walk.page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved')
    await walk.page.reload()
    await expect.poll(() => walk.page.getByTestId('track-output').getByTestId('track-name').textContent(), { timeout: 30_000 }).toBe('wavenet p226 #1')
  })

  it('logged no walk.page errors', () => {
    expect(walk.pageErrors).toEqual([])
  })
})
