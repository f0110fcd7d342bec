import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { JobFinished } from '../../src-preload/api'
import { createServices } from '../../src-main/api/services'
import { closeJobPool } from '../../src-main/api/jobs'
import { withLibrary } from '../../src-main/api/library'
import type { Library } from '../../src-main/library/library'
import { CHROMIUM } from './support/browser'
import { appSuite } from './support/suite'

const root = fileURLToPath(new URL('../../', import.meta.url))
const examples = join(root, 'resources', 'examples')
const shots = join(root, 'test-results', 'e2e')
const hasChromium = existsSync(CHROMIUM)
// library-01..03 are the tag browser walk's (tags.test.ts); this walk's shots start at 10.
const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(shots, `${name}.png`) })

/** A checkpoint folder as training writes it (model.json + weights.bin) under the data dir. */
async function checkpointFolder(dataDir: string, name: string): Promise<string> {
  const dir = join(dataDir, 'models', name)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model' }))
  await writeFile(join(dir, 'weights.bin'), Buffer.alloc(4096))
  return dir
}

/** What the walk finds in the library: two trained models (one run still training), a render of the match method, a preset of its chain, a moved dataset. */
interface Seeded {
  tagger: number
  taggerRun: number
  taggerCheckpoints: number[]
  wavenet: number
  liveRun: number
  liveCheckpoint: number
  render: number
  preset: number
  movedDataset: number
  /** The dataset the live WaveNet run trains on, and one a finished run was trained on, its folder on disk. */
  voices: number
  drums: number
  drumsRun: number
}

/**
 * The library a producer has after some work. The render is a real one (the match method through
 * the render service, so its row, report and file are what the app records); the models, runs and
 * curves are written through the library's repositories as the training jobs write them.
 */
async function seed(dataDir: string): Promise<Seeded> {
  const services = await createServices({ dataDir, examplesDir: examples, platform: 'web', version: '0' })
  let finished!: (f: JobFinished) => void
  const done = new Promise<JobFinished>((r) => (finished = r))
  services.events.on((event, payload) => {
    if (event === 'jobFinished') finished(payload as JobFinished)
  })
  await services.handlers.startRender({ contentPath: join(examples, 'content-voice.wav'), stylePath: join(examples, 'style-voice-radio.wav'), options: { method: 'match' } })
  const f = await done
  await services.close()
  await closeJobPool()
  if (f.status !== 'done' || !f.output) throw new Error(`seed render ${f.status}: ${f.error}`)
  const render = Number(f.output.renderId)
  const folders = await Promise.all(['tagger-e1', 'tagger-e2', 'tagger-e3', 'wavenet-e1'].map((n) => checkpointFolder(dataDir, n)))
  const drumsRoot = join(dataDir, 'audio', 'drums')
  await mkdir(drumsRoot, { recursive: true })
  await writeFile(join(drumsRoot, 'kick.wav'), Buffer.alloc(44))
  return withLibrary(dataDir, (lib: Library) => {
    const dataset = lib.datasets.upsert({ kind: 'mtat', name: 'MTAT (moved)', rootPath: join(dataDir, 'mtat-was-here') })
    const tagger = lib.models.create({ name: 'Tagger dieleman', kind: 'tagger/dieleman', config: { tags: ['piano', 'slow', 'loud'] } })
    const taggerRun = lib.runs.create({ modelId: tagger, datasetId: dataset, config: { epochs: 3, batch: 16, split: 'standard', top: 50 } })
    lib.runs.setStatus(taggerRun, 'running')
    // 20 batches an epoch: a falling loss per batch, validation ROC-AUC and epoch loss at each epoch's end.
    for (let step = 1; step <= 60; step++) lib.runs.addMetrics(taggerRun, step, { loss: 0.7 * Math.exp(-step / 30) + 0.05 * Math.sin(step) ** 2 })
    const taggerCheckpoints = [1, 2, 3].map((epoch) => {
      lib.runs.addMetrics(taggerRun, epoch * 20, { valRocAuc: 0.6 + 0.08 * epoch, epochLoss: 0.6 - 0.1 * epoch })
      return lib.checkpoints.add({ runId: taggerRun, path: folders[epoch - 1]!, step: epoch * 20, metrics: { epoch, valRocAuc: 0.6 + 0.08 * epoch }, sizeBytes: 4200 })
    })
    lib.runs.setStatus(taggerRun, 'completed')
    const wavenet = lib.models.create({ name: 'WaveNet p225', kind: 'wavenet/mulaw', config: { sampleRate: 16000, receptiveField: 1021 } })
    const voices = lib.datasets.upsert({ kind: 'vctk', name: 'VCTK voices', rootPath: join(dataDir, 'audio', 'vctk') })
    const drums = lib.datasets.upsert({ kind: 'mtat', name: 'Drum loops', rootPath: drumsRoot })
    lib.clips.upsert(drums, { sourceKey: 'kick', path: join(drumsRoot, 'kick.wav'), missing: false, durationS: 0.5, sampleRate: 8000 })
    const drumsRun = lib.runs.create({ modelId: wavenet, datasetId: drums, config: { epochs: 1, preset: 'tiny' } })
    lib.runs.setStatus(drumsRun, 'running')
    lib.runs.setStatus(drumsRun, 'completed')
    const liveRun = lib.runs.create({ modelId: wavenet, datasetId: voices, config: { epochs: 10, preset: 'tiny' } })
    lib.runs.setStatus(liveRun, 'running')
    for (let step = 1; step <= 30; step++) lib.runs.addMetrics(liveRun, step, { loss: 5 - step / 10 })
    lib.runs.addMetrics(liveRun, 15, { epochLoss: 4.2, validNll: 4.4 })
    const liveCheckpoint = lib.checkpoints.add({ runId: liveRun, path: folders[3]!, step: 15, metrics: { epoch: 1, validNll: 4.4 }, sizeBytes: 4200 })
    const chain = lib.renders.get(render)!.params.report as { chain: unknown }
    const preset = lib.presets.add({ name: 'Radio voice', chain: chain.chain, sourceRenderId: render })
    return { tagger, taggerRun, taggerCheckpoints, wavenet, liveRun, liveCheckpoint, render, preset, movedDataset: dataset, voices, drums, drumsRun }
  })
}

// A producer browsing what they trained and rendered: curves, rename, delete, reveal, back to the timeline.
describe.skipIf(!hasChromium)('model library view in Chromium against npm run serve', { timeout: 300_000 }, () => {
  let seeded: Seeded
  const s = appSuite(root, {
    prefix: 'eb-e2e-library-',
    prepare: async (dataDir) => {
      seeded = await seed(dataDir)
    },
    viewport: { width: 1440, height: 900 }
  })
  let page: Page
  const lib = <T>(fn: (l: Library) => T): Promise<T> => withLibrary(s.dataDir, fn)
  const integrity = (): Promise<string> => lib((l) => l.integrityCheck())
  const notes = (): Promise<string> => page.getByTestId('library-panel').locator('[data-testid="library-note"]').allTextContents().then((t) => t.join(' | '))
  beforeAll(() => {
    page = s.page
  })

  it('opens the library: models with their runs, a run selected shows its curves and checkpoints', async () => {
    await page.goto(s.served.url)
    await expect.poll(() => page.getByTestId('examples').locator('li').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2)
    await page.getByTestId('toggle-library').click()
    const tagger = page.getByTestId(`library-model-${seeded.tagger}`)
    await expect.poll(() => tagger.count(), { timeout: 15_000 }).toBe(1)
    const run = page.getByTestId(`library-run-${seeded.taggerRun}`)
    expect(await run.getByTestId('run-status').textContent()).toBe('completed')
    expect(await run.textContent()).toContain('best val ROC-AUC 0.840')
    expect(await run.getByTestId('run-config').textContent()).toBe('batch 16 · epochs 3 · split standard · top 50')
    await run.getByTestId('run-select').click()
    const chart = run.getByTestId('curve-chart')
    await expect.poll(() => chart.getAttribute('data-points'), { timeout: 15_000 }).toBe('60')
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0)
    const checkpoint = page.getByTestId(`library-checkpoint-${seeded.taggerCheckpoints[2]}`)
    expect(await checkpoint.textContent()).toMatch(/epoch 3.*step 60.*valRocAuc 0\.84.*4\.1 kB/)
    expect(await page.getByTestId(`library-dataset-${seeded.movedDataset}`).getByTestId('dataset-moved').textContent()).toContain(`was ${join(s.dataDir, 'mtat-was-here')}`)
    await shot(page, 'library-10-models-curves')
  })

  it('reveals a checkpoint folder: the web host answers its path, shown to copy', async () => {
    await page.getByTestId(`library-checkpoint-${seeded.taggerCheckpoints[0]}`).getByTestId('checkpoint-reveal').click()
    await expect.poll(() => page.getByTestId('library-reveal-path').textContent()).toBe(join(s.dataDir, 'models', 'tagger-e1'))
    await shot(page, 'library-11-reveal-path')
  })

  it('renames a model; a taken name is refused in one line and the library stays whole', async () => {
    const name = page.getByTestId(`library-model-${seeded.tagger}`).getByTestId('model-name')
    await name.fill('wavenet P225')
    await name.press('Enter')
    await expect.poll(notes).toContain(`model name: "wavenet P225" is taken by model ${seeded.wavenet}`)
    expect(await integrity()).toBe('ok')
    expect(await lib((l) => l.models.get(seeded.tagger)?.name)).toBe('Tagger dieleman')
    await expect.poll(() => name.inputValue()).toBe('Tagger dieleman')
    await name.fill('Piano tagger')
    await name.press('Enter')
    await expect.poll(() => lib((l) => l.models.get(seeded.tagger)?.name)).toBe('Piano tagger')
  })

  it('refuses to delete the checkpoint of a run still training, in one line', async () => {
    await page.getByTestId(`library-run-${seeded.liveRun}`).getByTestId('run-select').click()
    const row = page.getByTestId(`library-checkpoint-${seeded.liveCheckpoint}`)
    await row.getByTestId('checkpoint-delete').click()
    await row.getByTestId('checkpoint-confirm-delete').click()
    await expect.poll(notes).toMatch(new RegExp(`checkpoint ${seeded.liveCheckpoint}: run \\d+ is still training \\(recorded as running\\); stop it first`))
    expect(existsSync(join(s.dataDir, 'models', 'wavenet-e1', 'model.json'))).toBe(true)
    expect(await lib((l) => l.checkpoints.get(seeded.liveCheckpoint)?.id)).toBe(seeded.liveCheckpoint)
    expect(await integrity()).toBe('ok')
    await shot(page, 'library-12-refused-running')
  })

  it('searches every section with one box; a search that matches nothing says so', async () => {
    await page.getByTestId('library-search').fill('radio')
    await expect.poll(() => page.getByTestId('library-panel').locator('[data-testid^="library-model-"]').count()).toBe(0)
    expect(await page.getByTestId(`library-preset-${seeded.preset}`).count()).toBe(1)
    await page.getByTestId('library-search').fill('kazoo')
    await expect.poll(() => page.getByTestId('library-empty').textContent()).toBe('nothing in the library matches "kazoo"')
    await shot(page, 'library-13-no-match')
    await page.getByTestId('library-search').fill('')
    await page.getByTestId('library-sort').selectOption('name')
    await expect
      .poll(() => page.getByTestId('library-panel').locator('[data-testid^="library-model-"] [data-testid="model-name"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
      .toEqual(['Piano tagger', 'WaveNet p225'])
  })

  it('renames a render, loads its preset into the render panel, and re-opens the render on the timeline with its inputs', async () => {
    const row = page.getByTestId(`render-${seeded.render}`)
    const name = row.getByTestId('render-name')
    await name.fill('Radio take 1')
    await name.press('Enter')
    await expect.poll(() => lib((l) => l.renders.get(seeded.render)?.name)).toBe('Radio take 1')
    await page.getByTestId(`library-preset-${seeded.preset}`).getByTestId('preset-load').click()
    await expect.poll(() => page.getByTestId('render-preset').inputValue()).toBe(String(seeded.preset))
    await row.getByTestId('render-reopen').click()
    await expect.poll(() => page.getByTestId('track-content').getByTestId('track-label').textContent(), { timeout: 15_000 }).toContain('content-voice.wav')
    expect(await page.getByTestId('track-style').getByTestId('track-label').textContent()).toContain('style-voice-radio.wav')
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(1)
    await shot(page, 'library-14-reopened')
  })

  it('deletes the render after asking: the row, its output track and its file go', async () => {
    const file = await lib((l) => l.renders.get(seeded.render)!.outputPath)
    expect(existsSync(file)).toBe(true)
    const row = page.getByTestId(`render-${seeded.render}`)
    await row.getByTestId('render-delete').click()
    expect(existsSync(file)).toBe(true)
    await row.getByTestId('render-confirm-delete').click()
    await expect.poll(() => row.count()).toBe(0)
    expect(existsSync(file)).toBe(false)
    await expect.poll(notes).toContain(`render ${seeded.render} deleted`)
    await expect.poll(() => page.getByTestId('track-output').count()).toBe(0)
    expect(await integrity()).toBe('ok')
  })

  it('deletes a model after asking: its runs, checkpoints and their folders go', async () => {
    const model = page.getByTestId(`library-model-${seeded.tagger}`)
    await model.getByTestId('model-delete').click()
    await shot(page, 'library-15-confirm-model-delete')
    await model.getByTestId('model-confirm-delete').click()
    await expect.poll(() => model.count()).toBe(0)
    await expect.poll(notes).toContain(`model ${seeded.tagger} deleted (3 checkpoint folders removed)`)
    for (const n of ['tagger-e1', 'tagger-e2', 'tagger-e3']) expect(existsSync(join(s.dataDir, 'models', n))).toBe(false)
    expect(await lib((l) => [l.runs.get(seeded.taggerRun), l.checkpoints.get(seeded.taggerCheckpoints[0]!)])).toEqual([undefined, undefined])
    expect(await integrity()).toBe('ok')
    await shot(page, 'library-16-model-deleted')
    // The two refusals (a taken name, a run still training) are 422 answers, which Chromium logs as failed loads; nothing else may fail.
    expect(s.pageErrors.filter((e) => !e.includes('status of 422'))).toEqual([])
    expect(s.pageErrors.length).toBe(2)
  })

  it('renames a dataset; a taken name is refused in one line and the name input is bounded as the contract', async () => {
    const name = page.getByTestId(`library-dataset-${seeded.drums}`).getByTestId('dataset-name')
    expect(await name.getAttribute('maxlength')).toBe('200')
    await name.fill('vctk VOICES')
    await name.press('Enter')
    await expect.poll(notes).toContain(`dataset name: "vctk VOICES" is taken by dataset ${seeded.voices}`)
    await expect.poll(() => name.inputValue()).toBe('Drum loops')
    await name.fill('Drum loops 2024')
    await name.press('Enter')
    await expect.poll(() => lib((l) => l.datasets.get(seeded.drums)?.name)).toBe('Drum loops 2024')
    await expect.poll(notes).toContain(`dataset ${seeded.drums} renamed "Drum loops 2024"`)
    await shot(page, 'library-dataset-renamed')
  })

  it('refuses to delete a dataset a run trains on; deletes another after asking: its rows go, its folder and the run trained on it stay', async () => {
    const voices = page.getByTestId(`library-dataset-${seeded.voices}`)
    await voices.getByTestId('dataset-delete').click()
    await voices.getByTestId('dataset-confirm-delete').click()
    await expect.poll(notes).toMatch(new RegExp(`dataset ${seeded.voices}: run \\d+ is training on it \\(recorded as running\\); stop it first`))
    expect(await lib((l) => l.datasets.get(seeded.voices)?.name)).toBe('VCTK voices')

    const drums = page.getByTestId(`library-dataset-${seeded.drums}`)
    await drums.getByTestId('dataset-delete').click()
    expect(await drums.textContent()).toContain('Remove from the library? Its files stay.')
    await shot(page, 'library-dataset-confirm-delete')
    await drums.getByTestId('dataset-confirm-delete').click()
    await expect.poll(() => drums.count()).toBe(0)
    const root = join(s.dataDir, 'audio', 'drums')
    await expect.poll(notes).toContain(`dataset ${seeded.drums} removed from the library (1 clip; 1 training run kept); its files stay in ${root}`)
    expect(existsSync(join(root, 'kick.wav'))).toBe(true)
    expect(await lib((l) => [l.datasets.get(seeded.drums), l.clips.list({ datasetId: seeded.drums }).length, l.runs.get(seeded.drumsRun)?.datasetId])).toEqual([undefined, 0, null])
    expect(await integrity()).toBe('ok')
    await shot(page, 'library-dataset-deleted')
    // The two refusals here are 422 answers as well.
    expect(s.pageErrors.filter((e) => !e.includes('status of 422'))).toEqual([])
    expect(s.pageErrors.length).toBe(4)
  })

  it("the import form's name and path take at most what the contract takes", async () => {
    await page.getByTestId('toggle-tags').click()
    await page.getByTestId('import-open').click()
    expect([await page.getByTestId('import-name').getAttribute('maxlength'), await page.getByTestId('import-path').getAttribute('maxlength')]).toEqual(['200', '4096'])
    await page.getByTestId('import-name').fill('n'.repeat(250))
    expect((await page.getByTestId('import-name').inputValue()).length).toBe(200)
  })
})
