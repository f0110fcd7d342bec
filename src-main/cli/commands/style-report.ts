import type { StylizeReport } from '../../engine/style/types'
import type { CommandContext } from '../command'

/** Prints a render's settings and objective measures as a few human lines. */
export function printReport(ctx: CommandContext, outPath: string, r: StylizeReport): void {
  const reduction = r.styleDistance.content > 0 ? (1 - r.styleDistance.output / r.styleDistance.content) * 100 : 0
  for (const note of r.inputNotes ?? []) ctx.print(`note: ${note}`)
  ctx.print(`wrote ${outPath}`)
  const analysis = r.tagger
    ? `tagger model ${r.tagger.modelId} checkpoint ${r.tagger.checkpointId} (${r.tagger.arch}): content ${r.tagger.contentLayers.join('+')}, style ${r.tagger.styleLayers.join('+')}`
    : `n_fft ${r.nFft}, hop ${r.hop}`
  ctx.print(
    `  ${r.method} on ${r.backend} (${r.optimizer}, ${r.iterations} iterations${r.method === 'texture' ? `, ${r.filters} filters` : ''}${(r.threads ?? 1) > 1 ? ` on ${r.threads} threads` : ''}, ${r.sampleRate} Hz, ${analysis})`
  )
  ctx.print(
    `  style distance to style: content ${r.styleDistance.content.toFixed(2)} -> output ${r.styleDistance.output.toFixed(2)} (${reduction >= 0 ? '-' : '+'}${Math.abs(reduction).toFixed(0)}%)`
  )
  ctx.print(`  content distance to content: ${r.contentDistance.toFixed(3)}`)
  const f = r.spectralFlatness
  if (f) ctx.print(`  spectral flatness (0 tone, 0.56 white noise): content ${f.content.toFixed(3)}, style ${f.style.toFixed(3)}, output ${f.output.toFixed(3)}`)
  ctx.print(`  ${(r.wallMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb} MB`)
}
