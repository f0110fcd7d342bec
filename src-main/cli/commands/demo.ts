import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import { closeJobPool } from '../../api/jobs'
import { renderStyle } from '../../api/style'
import type { StyleMethod } from '../../engine/style/types'
import { stringFlag, type Command } from '../command'
import { printReport } from './style-report'

/** The bundled example pairs (resources/examples, made by resources/examples/generate.sh). */
const examplesDir = fileURLToPath(new URL('../../../resources/examples/', import.meta.url))

/**
 * The demo's texture renders run fewer iterations than the defaults, so that all three finish in
 * under two minutes on two cores (wasm). Everything else is the defaults.
 */
export const DEMO_TEXTURE_ITERATIONS = 40

const renders: { name: string; content: string; style: string; method: StyleMethod }[] = [
  // The research report's own pair: a male "off I went" in the style of a female "six spoons of snow peas".
  { name: 'voice-texture', content: 'content-voice.wav', style: 'style-voice.wav', method: 'texture' },
  { name: 'voice-gram', content: 'content-voice.wav', style: 'style-voice.wav', method: 'gram' },
  // The producer's case: the same dry male voice given the processing of a radio vocal (another voice, other words).
  { name: 'voice-match', content: 'content-voice.wav', style: 'style-voice-radio.wav', method: 'match' },
  { name: 'music-texture', content: 'content-music.wav', style: 'style-music.wav', method: 'texture' }
]

/** `demo`: stylises the bundled examples (defaults, texture at DEMO_TEXTURE_ITERATIONS) and prints the metrics. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'Stylize the bundled examples into out/demo/ and print their metrics',
  usage: 'demo [--out-dir D] [--backend NAME] [--json]',
  options: { 'out-dir': { type: 'string' }, backend: { type: 'string' } },
  async run(ctx) {
    const outDir = stringFlag(ctx, 'out-dir') ?? join(process.cwd(), 'out', 'demo')
    const backend = stringFlag(ctx, 'backend')
    if (backend !== undefined) process.env.EB_BACKEND = backend
    const results: Record<string, unknown>[] = []
    try {
      for (const r of renders) {
        const bar = ctx.progress(r.name.padEnd(13), 1)
        const outPath = join(outDir, `${r.name}.wav`)
        try {
          const { report } = await renderStyle(
            { contentPath: join(examplesDir, r.content), stylePath: join(examplesDir, r.style), outPath, options: r.method === 'texture' ? { method: r.method, iterations: DEMO_TEXTURE_ITERATIONS } : { method: r.method } },
            {
              onProgress: (p) => {
                bar.setTotal(p.total)
                bar.update(p.step, { ...(p.phase !== undefined && { phase: p.phase }), ...(p.loss !== undefined && { loss: p.loss }) }, p.etaMs)
              }
            }
          )
          bar.stop()
          printReport(ctx, relative(process.cwd(), outPath), report)
          results.push({ name: r.name, out: outPath, ...report })
        } finally {
          bar.stop()
        }
      }
    } finally {
      await closeJobPool()
    }
    ctx.print(`\nListen: ${relative(process.cwd(), outDir) || '.'}/*.wav (inputs in ${relative(process.cwd(), examplesDir)})`)
    ctx.print(`(texture renders ran ${DEMO_TEXTURE_ITERATIONS} iterations to keep the demo short; \`stylize\` runs the defaults)`)
    return { outDir, renders: results }
  }
}
