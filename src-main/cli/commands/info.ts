import type { Command } from '../command'
import { decodeFile, nonFiniteNote, peak, rms } from '../../audio/index'

/** Level in dB relative to full scale, for the human-readable lines. */
const dbfs = (x: number): string => (x > 0 ? `${(20 * Math.log10(x)).toFixed(2)} dBFS` : '-inf dBFS')

/** `info <file>`: container, codec, channels, rate, duration, peak and RMS of an audio file. */
export const infoCommand: Command = {
  name: 'info',
  summary: "Show an audio file's format, channels, sample rate, duration, peak and RMS",
  usage: 'info <file> [--json]',
  options: {},
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const file = ctx.positionals[0]!
    const audio = await decodeFile(file)
    const frames = audio.channels[0]!.length
    const duration = frames / audio.sampleRate
    const overallPeak = Math.max(...audio.channels.map(peak))
    // Channels have equal lengths, so the overall RMS is the root of the mean of per-channel squares.
    const overallRms = Math.sqrt(audio.channels.reduce((s, c) => s + rms(c) ** 2, 0) / audio.channels.length)
    const { container, codec, bitDepth } = audio.format
    ctx.print(`file         ${file}`)
    ctx.print(`format       ${container} (${codec}${bitDepth ? `, ${bitDepth}-bit` : ''})`)
    ctx.print(`channels     ${audio.channels.length}`)
    ctx.print(`sample rate  ${audio.sampleRate} Hz`)
    ctx.print(`duration     ${duration.toFixed(3)} s (${frames} samples)`)
    ctx.print(`peak         ${overallPeak.toFixed(4)} (${dbfs(overallPeak)})`)
    ctx.print(`rms          ${overallRms.toFixed(4)} (${dbfs(overallRms)})`)
    if (audio.nonFinite > 0) ctx.print(`repaired     ${nonFiniteNote(audio.nonFinite)}`)
    return {
      file,
      format: container,
      codec,
      bitDepth: bitDepth ?? null,
      sampleRate: audio.sampleRate,
      channels: audio.channels.length,
      duration,
      peak: overallPeak,
      rms: overallRms,
      nonFiniteSamples: audio.nonFinite
    }
  }
}
