/*
 * Cross-checks against trusted reference decoders from Debian: sox (WAV), flac (FLAC), mpg123
 * (MP3) and oggdec (Ogg Vorbis). Each decodes the case's file to a WAV that the reference itself
 * writes (it seeks back to fix the header), read here with formats/wav-read.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { readWav } from './formats/wav-read'
import type { ReferenceCheck } from './outcome'

/** What a decoder says about a file. */
export interface Shape {
  sampleRate: number
  channels: number
  frames: number
}

const TOOLS: Record<string, { bin: string; args: (input: string, output: string) => string[] }> = {
  wav: { bin: '/usr/bin/sox', args: (i, o) => ['-V1', i, '-t', 'wav', o] },
  flac: { bin: '/usr/bin/flac', args: (i, o) => ['-d', '-s', '-f', '-o', o, i] },
  mp3: { bin: '/usr/bin/mpg123', args: (i, o) => ['-q', '-w', o, i] },
  ogg: { bin: '/usr/bin/oggdec', args: (i, o) => ['-Q', '-o', o, i] }
}

/**
 * Length tolerance in frames. MP3: both sides are mpg123 with gapless trimming from the LAME tag,
 * but a damaged stream resyncs frame by frame, so one frame (1152 samples) either way is allowed.
 * The lossless formats and Vorbis (whose length is the last granule position) must match exactly.
 */
const TOLERANCE: Record<string, number> = { wav: 0, flac: 0, mp3: 1152, ogg: 0 }

/** Which reference decoders are installed, by container. */
export function referencesAvailable(): Record<string, boolean> {
  return Object.fromEntries(Object.entries(TOOLS).map(([k, t]) => [k, existsSync(t.bin)]))
}

/** Decodes `input` with the container's reference decoder; null when it refuses the file. */
export function referenceShape(container: string, input: string, workDir: string): { shape: Shape | null; tool: string; why: string } {
  const tool = TOOLS[container]
  if (!tool) return { shape: null, tool: 'none', why: `no reference for ${container}` }
  const output = join(workDir, `reference-${container}.wav`)
  rmSync(output, { force: true })
  const r = spawnSync(tool.bin, tool.args(input, output), { timeout: 20_000, encoding: 'utf8' })
  const name = tool.bin.split('/').pop()!
  if (r.status !== 0 || !existsSync(output)) return { shape: null, tool: name, why: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n')[0] ?? ''}` }
  const bytes = new Uint8Array(readFileSync(output))
  rmSync(output, { force: true })
  const w = readWav(bytes)
  if (!w?.fmt || !w.data || w.fmt.blockAlign === 0) return { shape: null, tool: name, why: 'wrote no readable WAV' }
  const frames = Math.floor(Math.min(w.data.size, bytes.length - w.data.body) / w.fmt.blockAlign)
  if (frames === 0) return { shape: null, tool: name, why: 'decoded no samples' }
  return { shape: { sampleRate: w.fmt.sampleRate, channels: w.fmt.channels, frames }, tool: name, why: '' }
}

/** Our decode against the reference's, for a file both accepted. */
export function crossCheck(container: string, input: string, workDir: string, ours: Shape): ReferenceCheck {
  const { shape, tool, why } = referenceShape(container, input, workDir)
  if (!shape) return { tool, format: container, agree: null, detail: `reference refused or missing: ${why}` }
  const tol = TOLERANCE[container] ?? 0
  const agree = shape.sampleRate === ours.sampleRate && shape.channels === ours.channels && Math.abs(shape.frames - ours.frames) <= tol
  const say = (s: Shape): string => `${s.sampleRate} Hz, ${s.channels} ch, ${s.frames} frames`
  return { tool, format: container, agree, detail: `ours ${say(ours)}; ${tool} ${say(shape)}` }
}
