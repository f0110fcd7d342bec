/**
 * Style-transfer benchmark: texture method on a 10 s content + 10 s style (the bundled music pair,
 * looped), end to end in-process (analysis, optimisation, Griffin-Lim, metrics); L-BFGS against Adam
 * by wall time to equal loss; and, where Debian's python3-torch is installed, the PyTorch peer
 * (../shared/peers/texture_torch.py) at its own defaults and at our settings, scored by our metrics.
 * Run: `npx tsx bench/style.ts [--no-peers]` (prints one JSON object).
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

/** Runs the style benchmarks; keys in ms unless named otherwise. */
export async function benchStyle(opts: { peers?: boolean } = {}): Promise<Record<string, number>> {
  const backend = await initBackend()
  const content = loopTo(await loadMono(join(EXAMPLES, 'content-music.wav'), SR), 10)
  const style = loopTo(await loadMono(join(EXAMPLES, 'style-music.wav'), SR), 10)
  const results: Record<string, number> = {}

  // The default run (L-BFGS) also gives L-BFGS's loss-against-time trace.
  const lbfgs: { t: number; loss: number }[] = []
  const ours = stylize(content, style, {}, { onProgress: tracer(lbfgs) }, backend.name)
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

  if (opts.peers !== false && peerAvailable()) {
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
      const fixed = stylize(content, style, { lineSearch: 'none' }, {}, backend.name)
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
  process.stdout.write(JSON.stringify(await benchStyle({ peers: !process.argv.includes('--no-peers') })) + '\n')
}
