/**
 * One texture-method setting on the benchmark pair (the bundled music pair looped to 10 s), as used
 * to choose the defaults (docs/performance.md, "How the defaults were chosen"). Prints one JSON line: wall time
 * per phase, the style-distance reduction and the content distance.
 *
 *   npx tsx bench/texture-settings.ts '{"filters":4096,"iterations":60,"threads":1}'
 *
 * The argument is a JSON object of TextureSettings overrides (src-main/engine/style/defaults.ts).
 */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { loadMono } from '../src-main/audio'
import { styleMetrics } from '../src-main/dsp/metrics'
import { initBackend } from '../src-main/engine/backend'
import { textureDefaults, type TextureSettings } from '../src-main/engine/style/defaults'
import { prepareTexture, textureSegment } from '../src-main/engine/style/texture'

const EXAMPLES = fileURLToPath(new URL('../resources/examples/', import.meta.url))

let overrides: Partial<TextureSettings>
try {
  overrides = JSON.parse(process.argv[2] ?? '{}') as Partial<TextureSettings>
} catch (err) {
  process.stderr.write(`texture-settings: the argument is not a JSON object: ${(err as Error).message}\n`)
  process.exit(2)
}
const s: TextureSettings = { ...textureDefaults, ...overrides }
const backend = await initBackend()
const loop = (x: Float32Array): Float32Array => Float32Array.from({ length: 10 * s.sampleRate }, (_, i) => x[i % x.length]!)
const content = loop(await loadMono(join(EXAMPLES, 'content-music.wav'), s.sampleRate))
const style = loop(await loadMono(join(EXAMPLES, 'style-music.wav'), s.sampleRate))

const t0 = performance.now()
const plan = prepareTexture(style, s, undefined, content.length)
const t1 = performance.now()
let optimised = t1
const losses: number[] = []
const result = textureSegment(plan, content, (phase, _i, loss) => {
  if (phase !== 'optimise') return
  optimised = performance.now()
  if (loss !== undefined) losses.push(loss)
})
const t2 = performance.now()
const route = plan.kind === 'split' ? `split x${plan.split.threads}` : plan.style.kind
plan.dispose()
let peak = 0
for (const v of result.audio) peak = Math.max(peak, Math.abs(v))
const audio = result.audio.map((v) => (v / peak) * 0.9)
const m = styleMetrics(content, style, audio, s.sampleRate)
console.log(
  JSON.stringify({
    backend: backend.name,
    route,
    ...overrides,
    prepareMs: Math.round(t1 - t0),
    optimiseMs: Math.round(optimised - t1),
    griffinLimMs: Math.round(t2 - optimised),
    totalMs: Math.round(t2 - t0),
    styleDistance: { content: +m.styleDistance.content.toFixed(1), output: +m.styleDistance.output.toFixed(1) },
    reductionPct: +((1 - m.styleDistance.output / m.styleDistance.content) * 100).toFixed(1),
    contentDistance: +m.contentDistance.toFixed(3),
    finalLoss: losses.at(-1)
  })
)
