import { applyChainFile, checkChainPaths, readChainFile } from '../../api/presets'
import { closeJobPool } from '../../api/jobs'
import { withLibrary } from '../../api/library'
import type { EffectChain } from '../../engine/effects/chain'
import { boolFlag, CliUsageError, stringFlag, type Command } from '../command'
import { dataDirOption, positiveIntFlag } from './data-dir'
import { checkOutputPath } from '../output-path'
import { required } from './stylize'

/** "-16.0 LUFS" / "-1.0 dBTP", or the word for silence. */
export function level(v: number | null, unit: string): string {
  return v === null ? `silent (no ${unit})` : `${v.toFixed(1)} ${unit}`
}

/** `apply-chain`: a saved preset or a chain file applied to one audio file, at its own rate. */
/** "45x", "4.5x", "0.0033x": how many times faster than real time, two significant digits under 10 (a chain slower than real time read "0x"). */
export function realtimeText(x: number): string {
  return `${x >= 10 ? x.toFixed(0) : x.toPrecision(2)}x`
}

export const applyChainCommand: Command = {
  name: 'apply-chain',
  summary: 'Apply an effect chain (a preset, or a chain JSON file) to an audio file: EQ, compressor, saturation, reverb, output loudness; the reverb tail is rendered after the input (--keep-length cuts it at the input\'s length)',
  usage: 'apply-chain (--preset ID | --chain FILE.json) --in <file> --out <file.wav> [--keep-length] [--data-dir D] [--json]',
  options: { preset: { type: 'string' }, chain: { type: 'string' }, in: { type: 'string' }, out: { type: 'string' }, 'keep-length': { type: 'boolean' }, ...dataDirOption },
  async run(ctx) {
    const presetId = positiveIntFlag(ctx, 'preset')
    const chainFile = stringFlag(ctx, 'chain')
    if ((presetId === undefined) === (chainFile === undefined)) throw new CliUsageError('give one of --preset ID (`presets` lists them) and --chain FILE.json')
    const inPath = required(ctx, 'in')
    const outPath = required(ctx, 'out')
    await checkChainPaths(inPath, outPath)
    await checkOutputPath(outPath, [inPath])
    const chain: EffectChain =
      chainFile !== undefined ? await readChainFile(chainFile) : await withLibrary(stringFlag(ctx, 'data-dir'), (lib) => lib.presets.require(presetId!).chain)
    const bar = ctx.progress('apply-chain', 2)
    try {
      const keepLength = boolFlag(ctx, 'keep-length')
      const r = await applyChainFile({ inPath, outPath, chain, keepLength }, { onProgress: (p) => bar.update(p.step, p.phase !== undefined ? { phase: p.phase } : {}) })
      bar.stop()
      for (const note of r.notes) ctx.print(`note: ${note}`)
      ctx.print(`wrote ${outPath}`)
      ctx.print(keepLength ? `  cut at the input's length (${r.duration.toFixed(2)} s; --keep-length)` : `  ${r.duration.toFixed(2)} s of input + ${r.tail.toFixed(2)} s of tail (down to -90 dB of the peak)`)
      ctx.print(`  loudness ${level(r.loudness, 'LUFS')}, true peak ${level(r.truePeak, 'dBTP')}, input gain ${r.inputGainDb >= 0 ? '+' : ''}${r.inputGainDb.toFixed(1)} dB`)
      // x-realtime is the chain's alone; decoding, measuring and writing are said apart so it is not misread.
      ctx.print(`  ${r.duration.toFixed(1)} s of ${r.sampleRate} Hz audio: chain ${(r.chainMs / 1000).toFixed(2)} s (${realtimeText(r.xRealtime)} realtime); decode, measure and write ${(Math.max(0, r.wallMs - r.chainMs) / 1000).toFixed(2)} s`)
      return { in: inPath, ...(presetId !== undefined ? { preset: presetId } : { chainFile }), ...r, chain }
    } finally {
      bar.stop()
      await closeJobPool()
    }
  }
}
