/**
 * Style-transfer benchmark: texture method on a 10 s content + 10 s style (the bundled music pair,
 * looped), end to end in-process (analysis, optimisation, Griffin-Lim, metrics); L-BFGS against Adam
 * by wall time to equal loss; and, where Debian's python3-torch is installed, the PyTorch peer
 * (../shared/peers/texture_torch.py) at its own defaults and at our settings, scored by our metrics.
 * Then the speech pairs of issue 14 (7 s of synthetic speech as content, 10 s of an instrument as
 * style; test/fixtures/texture-speech/generate.sh writes them into a temp dir), ours and the peer at
 * the same settings (the peer's fixed step), where espeak-ng and fluidsynth are installed.
 * Run: `npx tsx bench/style.ts [--no-peers] [--only-speech]` (prints one JSON object).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadMono, writeWav } from '../src-main/audio'
import { styleMetrics } from '../src-main/dsp/metrics'
import { initBackend } from '../src-main/engine/backend'
import { textureDefaults } from '../src-main/engine/style/defaults'
import { stylize } from '../src-main/engine/style/stylize'

const PEER = fileURLToPath(new URL('../../shared/peers/texture_torch.py', import.meta.url))
const PYTHON = '/usr/bin/python3'
const EXAMPLES = fileURLToPath(new URL('../resources/examples/', import.meta.url))
const SR = textureDefaults.sampleRate
const SPEECH_GENERATOR = fileURLToPath(new URL('../test/fixtures/texture-speech/generate.sh', import.meta.url))
/** Speech-content / instrument-style pairs the generator writes (speech-N.wav, inst-N.wav). */
const SPEECH_PAIRS = 3

/** Loops a clip to exactly `seconds`. */
function loopTo(x: Float32Array, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SR))
  for (let i = 0; i < out.length; i++) out[i] = x[i % x.length]!
  return out
}

/** True when the system python has torch, scipy and soundfile (the peer's needs). */
export function peerAvailable(): boolean {
  if (!existsSync(PYTHON) || !existsSync(PEER)) return false
  return spawnSync(PYTHON, ['-c', 'import torch, scipy, soundfile'], { stdio: 'ignore' }).status === 0
}

/** Runs the peer script; returns its wall time and its output at our sample rate. */
async function runPeer(contentPath: string, stylePath: string, outPath: string, args: string[]): Promise<{ totalMs: number; out: Float32Array }> {
  const r = spawnSync(PYTHON, [PEER, '--content', contentPath, '--style', stylePath, '--out', outPath, '--threads', '2', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24
  })
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr.split('\n').filter(Boolean).at(-1)}`)
  const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: { total: number } }
  return { totalMs: line.seconds.total * 1000, out: await loadMono(outPath, SR) }
}

/** Runs the style benchmarks; keys in ms unless named otherwise. `music: false` runs only the speech pairs. */
export async function benchStyle(opts: { peers?: boolean; music?: boolean } = {}): Promise<Record<string, number>> {
  const backend = await initBackend()
  const results: Record<string, number> = {}
  if (opts.music !== false) Object.assign(results, await benchMusic(backend.name, opts.peers !== false))
  Object.assign(results, await benchSpeech(backend.name, opts.peers !== false))
  return results
}

/** True when the speech-pair generator's tools are installed. */
function speechToolsAvailable(): boolean {
  const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
  return ['espeak-ng', 'fluidsynth', 'sox'].every(has) && existsSync('/usr/share/sounds/sf2/FluidR3_GM.sf2')
}

/**
 * Issue 14's comparison on every speech pair: ours (stylize, the peer's fixed step) and the peer at
 * the same settings (filters, iterations, Griffin-Lim iterations), both scored by styleMetrics; the
 * means over pairs are `textureSpeechReductionPct` and `peerSpeechReductionPct`. `...RmsAtPeak` is
 * the render's RMS at its 0.9 peak (x1000): bursts louder than the inputs lower it.
 */
async function benchSpeech(backendName: string, peers: boolean): Promise<Record<string, number>> {
  if (!speechToolsAvailable()) return {}
  const dir = mkdtempSync(join(tmpdir(), 'eb-bench-speech-'))
  const results: Record<string, number> = {}
  const mean = (key: string): void => {
    const vals = Array.from({ length: SPEECH_PAIRS }, (_, i) => results[`${key}${i + 1}`]).filter((v): v is number => v !== undefined)
    if (vals.length === SPEECH_PAIRS) results[key] = round(vals.reduce((a, b) => a + b, 0) / vals.length)
  }
  try {
    const gen = spawnSync('bash', [SPEECH_GENERATOR, dir], { encoding: 'utf8' })
    if (gen.status !== 0) throw new Error(`speech pairs: ${gen.stderr.split('\n').filter(Boolean).at(-1)}`)
    const same = ['--filters', String(textureDefaults.filters), '--iterations', String(textureDefaults.iterations), '--gl-iters', String(textureDefaults.griffinLimIterations)]
    for (let i = 1; i <= SPEECH_PAIRS; i++) {
      const cPath = join(dir, `speech-${i}.wav`)
      const sPath = join(dir, `inst-${i}.wav`)
      const content = await loadMono(cPath, SR)
      const style = await loadMono(sPath, SR)
      const ours = stylize(content, style, { lineSearch: 'none' }, {}, backendName)
      results[`textureSpeechReductionPct${i}`] = round((1 - ours.report.styleDistance.output / ours.report.styleDistance.content) * 100)
      results[`textureSpeechRmsAtPeak${i}`] = round(rms(ours.audio) * 1000)
      results[`textureSpeechMs${i}`] = ours.report.wallMs
      if (!peers) continue
      const run = await runPeer(cPath, sPath, join(dir, `peer-${i}.wav`), same)
      const m = styleMetrics(content, style, run.out, SR)
      results[`peerSpeechReductionPct${i}`] = round((1 - m.styleDistance.output / m.styleDistance.content) * 100)
      results[`peerSpeechRmsAtPeak${i}`] = round(rms(run.out) * 1000)
      results[`peerSpeechMs${i}`] = round(run.totalMs)
    }
    for (const key of ['textureSpeechReductionPct', 'peerSpeechReductionPct', 'textureSpeechRmsAtPeak', 'peerSpeechRmsAtPeak']) mean(key)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return results
}

function rms(x: Float32Array): number {
  let e = 0
  for (let i = 0; i < x.length; i++) e += x[i]! * x[i]!
  return Math.sqrt(e / x.length)
}

/** The music pair: ours at the defaults, L-BFGS against Adam, and the peer at our settings and at its own defaults. */
async function benchMusic(backendName: string, peers: boolean): Promise<Record<string, number>> {
  const content = loopTo(await loadMono(join(EXAMPLES, 'content-music.wav'), SR), 10)
  const style = loopTo(await loadMono(join(EXAMPLES, 'style-music.wav'), SR), 10)
  const results: Record<string, number> = {}

  // The default run (L-BFGS) also gives L-BFGS's loss-against-time trace.
  const lbfgs: { t: number; loss: number }[] = []
  const ours = stylize(content, style, {}, { onProgress: tracer(lbfgs) }, backendName)
  const baseline = ours.report.styleDistance.content
  results.textureTransfer10sMs = ours.report.wallMs
  results.textureStyleDistanceContent = round(baseline)
  results.textureStyleDistanceOutput = round(ours.report.styleDistance.output)
  results.textureStyleReductionPct = round((1 - ours.report.styleDistance.output / baseline) * 100)
  results.textureContentDistance = round(ours.report.contentDistance)
  results.textureFilters = textureDefaults.filters
  results.textureIterations = textureDefaults.iterations

  // L-BFGS vs Adam: wall time for each to reach the loss the other reaches at the end.
  const adam: { t: number; loss: number }[] = []
  stylize(content, style, { optimizer: 'adam' }, { onProgress: tracer(adam) })
  const target = Math.max(lbfgs.at(-1)!.loss, adam.at(-1)!.loss)
  const reach = (pts: { t: number; loss: number }[]): number => pts.find((p) => p.loss <= target)?.t ?? Number.NaN
  results.lbfgsMsToEqualLoss = round(reach(lbfgs))
  results.adamMsToEqualLoss = round(reach(adam))
  results.lbfgsFinalLoss = round(lbfgs.at(-1)!.loss)
  results.adamFinalLoss = round(adam.at(-1)!.loss)

  if (peers && peerAvailable()) {
    const dir = mkdtempSync(join(tmpdir(), 'eb-bench-'))
    try {
      const cPath = join(dir, 'content.wav')
      const sPath = join(dir, 'style.wav')
      await writeWav(cPath, [content], SR, { float: true })
      await writeWav(sPath, [style], SR, { float: true })
      const score = async (args: string[], name: string): Promise<void> => {
        const run = await runPeer(cPath, sPath, join(dir, `${name}.wav`), args)
        const m = styleMetrics(content, style, run.out, SR)
        results[`${name}Ms`] = round(run.totalMs)
        results[`${name}StyleReductionPct`] = round((1 - m.styleDistance.output / m.styleDistance.content) * 100)
        results[`${name}ContentDistance`] = round(m.contentDistance)
      }
      // The peer at our settings: the same work, so the wall-time ratio compares engines. The peer
      // has no line search, so ours runs here with the fixed step too.
      const fixed = stylize(content, style, { lineSearch: 'none' }, {}, backendName)
      results.textureFixedStep10sMs = fixed.report.wallMs
      results.textureFixedStepStyleReductionPct = round((1 - fixed.report.styleDistance.output / fixed.report.styleDistance.content) * 100)
      await score(
        ['--filters', String(textureDefaults.filters), '--iterations', String(textureDefaults.iterations), '--gl-iters', String(textureDefaults.griffinLimIterations)],
        'peerSameSettings'
      )
      results.textureOverPeerSameSettings = round(results.textureFixedStep10sMs / results.peerSameSettingsMs!)
      // The peer at its own defaults (4096 filters, 300 L-BFGS iterations, 500 GL iterations): the tool a user would reach for.
      await score([], 'peerDefaults')
      results.textureOverPeerDefaults = round(results.textureTransfer10sMs / results.peerDefaultsMs!)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return results
}

/** A progress hook recording loss against wall time of the optimisation phase into `points`. */
function tracer(points: { t: number; loss: number }[]): (p: { phase?: string; loss?: number }) => void {
  let t0 = 0
  return (p) => {
    if (p.phase === 'analyse' && t0 === 0) t0 = performance.now()
    if (p.phase === 'optimise' && p.loss !== undefined) points.push({ t: performance.now() - t0, loss: p.loss })
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  process.stdout.write(JSON.stringify(await benchStyle({ peers: !process.argv.includes('--no-peers'), music: !process.argv.includes('--only-speech') })) + '\n')
}
