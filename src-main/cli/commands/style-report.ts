import type { EffectChain } from '../../engine/effects/chain'
import type { StylizeReport } from '../../engine/style/types'
import type { CommandContext } from '../command'

/** Prints a render's settings and objective measures as a few human lines. */
export function printReport(ctx: CommandContext, outPath: string, r: StylizeReport): void {
  const reduction = r.styleDistance.content > 0 ? (1 - r.styleDistance.output / r.styleDistance.content) * 100 : 0
  for (const note of r.inputNotes ?? []) ctx.print(`note: ${note}`)
  ctx.print(`wrote ${outPath}`)
  const w = r.wavenet
  const analysis = w
    ? `WaveNet model ${w.modelId} checkpoint ${w.checkpointId}${w.speaker === null ? '' : ` as ${w.speaker}`}: content ${w.contentLayer}, style ${w.styleLayers.join('+')}; ${w.sweeps} sweep${w.sweeps === 1 ? '' : 's'} of ${w.blocks / w.sweeps} blocks of ${w.block} samples, each step over at most ${w.windowSamples} of ${w.clipSamples} samples`
    : r.tagger
    ? `tagger model ${r.tagger.modelId} checkpoint ${r.tagger.checkpointId} (${r.tagger.arch}): content ${r.tagger.contentLayers.join('+')}, style ${r.tagger.styleLayers.join('+')}`
    : `n_fft ${r.nFft}, hop ${r.hop}`
  if (r.method === 'match') ctx.print(`  match: effect chain fitted by Nelder-Mead (${r.iterations} evaluations), rendered at ${r.sampleRate} Hz`)
  else ctx.print(
    `  ${r.method} on ${r.backend} (${r.optimizer}, ${r.iterations} iterations${r.method === 'texture' ? `, ${r.filters} filters` : ''}${(r.threads ?? 1) > 1 ? ` on ${r.threads} threads` : ''}, ${r.sampleRate} Hz, ${analysis})`
  )
  ctx.print(
    `  style distance to style: content ${r.styleDistance.content.toFixed(2)} -> output ${r.styleDistance.output.toFixed(2)} (${reduction >= 0 ? '-' : '+'}${Math.abs(reduction).toFixed(0)}%)`
  )
  ctx.print(`  content distance to content: ${r.contentDistance.toFixed(3)}`)
  if (w) {
    const l = w.loss
    ctx.print(`  wavenet loss (one-hot): content ${l.before.content.toFixed(4)} -> ${l.after.content.toFixed(4)}, style Gram ${l.before.style.toFixed(4)} -> ${l.after.style.toFixed(4)}, total ${l.before.total.toFixed(4)} -> ${l.after.total.toFixed(4)}; ${(w.blockMs.mean / 1000).toFixed(2)} s per block`)
  }
  const f = r.spectralFlatness
  if (f) ctx.print(`  spectral flatness (0 tone, 0.56 white noise): content ${f.content.toFixed(3)}, style ${f.style.toFixed(3)}, output ${f.output.toFixed(3)}`)
  if (r.chain) for (const line of chainLines(r.chain)) ctx.print(`  ${line}`)
  if (r.fit) {
    ctx.print(`  fit: ${r.fit.stages.join(', ')} in ${(r.fit.fitMs / 1000).toFixed(1)} s (${r.fit.evaluations} evaluations)`)
    for (const note of r.fit.notes) ctx.print(`  note: ${note}`)
  }
  if (r.measures) {
    const m = r.measures
    const cell = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits))
    ctx.print('  measures        LUFS   dBTP  crest dB  centroid Hz  RT60 s')
    for (const k of ['content', 'style', 'output'] as const) {
      const x = m[k]
      ctx.print(`    ${k.padEnd(10)} ${cell(x.loudness, 1).padStart(6)} ${cell(x.truePeak, 1).padStart(6)} ${x.crestFactor.toFixed(1).padStart(9)} ${x.spectralCentroid.toFixed(0).padStart(12)} ${cell(x.rt60, 2).padStart(7)}`)
    }
  }
  ctx.print(`  ${(r.wallMs / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb} MB`)
}

/** A fitted chain as a few readable lines (the knobs' values; `--json` has every field). */
export function chainLines(c: EffectChain): string[] {
  const db = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)} dB`
  const hz = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(1)} kHz` : `${Math.round(v)} Hz`)
  const pct = (v: number): string => `${Math.round(v * 100)} %`
  const e = c.eq
  const corners = [e.highpass > 20 ? `high-pass ${hz(e.highpass)}` : '', e.lowpass < 20_000 ? `low-pass ${hz(e.lowpass)}` : ''].filter(Boolean)
  return [
    `chain (amount ${pct(c.amount)}):`,
    `    EQ ${pct(e.amount)}: ${[...corners, `low shelf ${hz(e.lowShelf.freq)} ${db(e.lowShelf.gain)}`, ...e.bands.map((b) => `${hz(b.freq)} ${db(b.gain)} Q ${b.q.toFixed(2)}`), `high shelf ${hz(e.highShelf.freq)} ${db(e.highShelf.gain)}`].join(', ')}`,
    `    compressor ${pct(c.compressor.amount)}: threshold ${c.compressor.threshold.toFixed(1)} dB, ratio ${c.compressor.ratio.toFixed(1)}:1, attack ${c.compressor.attack} ms, release ${c.compressor.release} ms, knee ${c.compressor.knee} dB, makeup ${db(c.compressor.makeup)}`,
    `    saturation ${pct(c.saturation.amount)}: drive ${c.saturation.drive.toFixed(1)} dB, mix ${pct(c.saturation.mix)}`,
    `    reverb ${pct(c.reverb.amount)}: decay ${c.reverb.decay.toFixed(2)} s, pre-delay ${c.reverb.preDelay} ms, damping ${pct(c.reverb.damping)}, wet ${pct(c.reverb.wet)}`,
    `    output: ${c.output.loudness} LUFS, ceiling ${c.output.truePeak} dBTP`
  ]
}
