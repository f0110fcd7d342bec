import { CliUsageError, boolFlag, numberFlag, stringFlag, type Command } from '../command'
import { decodeBuffer, mixToMono, nonFiniteNote, peak, probeAudio, readAudioFile, resample, writeWav } from '../../audio/index'
import { UserError, namedError } from '../../util/errors'
import { checkOutputPath } from '../output-path'

/** libsamplerate's upper limit, which resample() enforces too. */
const MAX_RATE = 192_000
/** Share of the progress bar per phase: decoding is one call, resampling the long part, writing quick. */
const DECODE_END = 10
const RESAMPLE_END = 90

/** `convert`: any supported input to a WAV, optionally resampled, mixed to mono or written as float. */
export const convertCommand: Command = {
  name: 'convert',
  summary: 'Convert WAV/MP3/FLAC/Ogg to WAV (16-bit or float), optionally resampled or mixed to mono',
  usage: 'convert --in <file> --out <file.wav> [--sr N] [--mono] [--float] [--json]',
  options: {
    in: { type: 'string' },
    out: { type: 'string' },
    sr: { type: 'string' },
    mono: { type: 'boolean' },
    float: { type: 'boolean' }
  },
  async run(ctx) {
    const input = stringFlag(ctx, 'in')
    const output = stringFlag(ctx, 'out')
    if (!input) throw new CliUsageError('--in <file> is required')
    if (!output) throw new CliUsageError('--out <file.wav> is required')
    const sr = numberFlag(ctx, 'sr')
    if (sr !== undefined && (!Number.isInteger(sr) || sr < 1 || sr > MAX_RATE)) {
      throw new CliUsageError(`--sr: ${sr} is not a whole number of Hz between 1 and ${MAX_RATE}`)
    }
    const float = boolFlag(ctx, 'float')
    await checkOutput(input, output)
    // Everything that can be refused cheaply is refused before the bar starts, so a bad file gives
    // exactly one line on stderr.
    const bytes = await readAudioFile(input)
    probeAudio(bytes, input)
    const bar = ctx.progress('convert', 100)
    try {
      bar.update(0, { phase: 'decode' })
      const audio = await decodeBuffer(bytes, input)
      let channels = boolFlag(ctx, 'mono') ? [mixToMono(audio.channels)] : audio.channels
      const rate = sr ?? audio.sampleRate
      bar.update(DECODE_END, { phase: 'resample' })
      if (rate !== audio.sampleRate) {
        const out: Float32Array[] = []
        for (const [i, c] of channels.entries()) {
          out.push(
            await resample(c, audio.sampleRate, rate, {
              onProgress: (f) => bar.update(DECODE_END + ((RESAMPLE_END - DECODE_END) * (i + f)) / channels.length, { phase: 'resample' })
            }).catch((err: unknown) => {
              throw namedError(err, input)
            })
          )
        }
        channels = out
      }
      bar.update(RESAMPLE_END, { phase: 'write' })
      await writeWav(output, channels, rate, { float })
      bar.update(100, { phase: 'done' })
      const loudest = Math.max(...channels.map(peak))
      if (!float && loudest > 1) ctx.print(`note: peak ${loudest.toFixed(3)} exceeds full scale; 16-bit output is clipped (use --float to keep it)`)
      const frames = channels[0]!.length
      if (audio.nonFinite > 0) ctx.print(`note: ${input}: ${nonFiniteNote(audio.nonFinite)}`)
      ctx.print(`wrote ${output}: ${channels.length} ch, ${rate} Hz, ${(frames / rate).toFixed(3)} s, ${float ? '32-bit float' : '16-bit PCM'}`)
      return { in: input, out: output, sampleRate: rate, channels: channels.length, frames, duration: frames / rate, codec: float ? 'pcm_f32le' : 'pcm_s16le', nonFiniteSamples: audio.nonFinite }
    } finally {
      bar.stop()
    }
  }
}

/** The output must be a .wav path that is neither the input nor a directory, in a folder that exists. */
async function checkOutput(input: string, output: string): Promise<void> {
  if (!/\.wav$/i.test(output)) throw new UserError(`${output}: output must be a .wav file`)
  await checkOutputPath(output, [input])
}
