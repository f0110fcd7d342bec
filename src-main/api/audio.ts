import { randomUUID } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { readdir, readFile, realpath, rm, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, resolve, sep } from 'node:path'
import type { AudioData, AudioRef, Peaks, Spectrogram } from '../../src-preload/api'
import { decodeFile } from '../audio/decode'
import { UserError, describeError, visibleText } from '../util/errors'
import { writeFileAtomic } from '../util/atomic-write'
import { logMel } from '../dsp/mel'
import { mixToMono } from '../audio/mix'

/** Decoded audio as the services keep it. */
interface Decoded {
  sampleRate: number
  channels: Float32Array[]
  /** NaN/Inf samples the decoder repaired. */
  nonFinite: number
}

/** The audio methods plus what other services need (path checks, decoded audio, refs). */
export interface AudioService {
  handlers: {
    listExamples(): Promise<AudioRef[]>
    importAudio(req: { name: string; data: ArrayBuffer }): Promise<AudioRef>
    openAudioDialog(): Promise<AudioRef[]>
    audioInfo(req: { path: string }): Promise<AudioRef>
    loadAudio(req: { path: string }): Promise<AudioData>
    audioPeaks(req: { path: string; peaksPerSecond: number }): Promise<Peaks>
    spectrogram(req: { path: string }): Promise<Spectrogram>
    exportAudio(req: { path: string }): Promise<{ name: string; data: ArrayBuffer }>
  }
  /** Resolves `path` and refuses anything outside the data dir and the bundled examples. */
  allowedPath(path: string): Promise<string>
  /**
   * Refuses (UserError naming `what`) a path outside the data dir and the examples even when its
   * file is gone (a clip whose render was deleted is judged by the real folder it was in).
   */
  assertInsideRoots(path: string, what: string): Promise<void>
  /** Describes an allowed audio file (decoding it once). */
  describe(path: string): Promise<AudioRef>
  /**
   * `message` as the user should read it: each of `paths` that is an import (the app's copy, under the
   * data folder's imports/, of a file the user opened or uploaded) named by the user's file name, not
   * by the copy's internal path ('take.wav: too short', not '/…/imports/1a2b3c4d-take.wav: too short').
   */
  forUser(message: string, paths: readonly string[]): string
}

// Decoded files kept in memory: a project has a handful of clips; 8 covers content, style and outputs.
const CACHE_ENTRIES = 8
const AUDIO_EXTENSIONS = new Set(['.wav', '.mp3', '.flac', '.ogg'])

/** Audio files for the renderer: examples, imports, decoded samples, peaks, spectrograms, export. */
export function createAudioService(opts: {
  dataDir: string
  examplesDir: string
  pickAudioFiles?: () => Promise<string[]>
}): AudioService {
  const importsDir = join(opts.dataDir, 'imports')
  const cache = new Map<string, { mtimeMs: number; decoded: Promise<Decoded> }>()

  // Security: the renderer names files by path; only these roots may be read, so a compromised or
  // buggy page (or a web client with the token) cannot read arbitrary files of the user.
  const roots = async (): Promise<string[]> => {
    const out: string[] = []
    for (const r of [opts.dataDir, opts.examplesDir]) {
      try {
        out.push(await realpath(r))
      } catch {
        /* a root that does not exist yet holds nothing to read */
      }
    }
    return out
  }

  async function allowedPath(path: string): Promise<string> {
    let real: string
    try {
      real = await realpath(resolve(path))
    } catch {
      throw new UserError(`audio ${path}: file not found`)
    }
    const ok = (await roots()).some((r) => real === r || real.startsWith(r + sep))
    if (!ok) throw new UserError(`audio ${path}: outside the data folder and the bundled examples`)
    return real
  }

  async function assertInsideRoots(path: string, what: string): Promise<void> {
    if (path.includes('\0')) throw new UserError(`${what} ${visibleText(path)}: contains a NUL byte`)
    const real = await realOrNearest(resolve(path))
    if (!(await roots()).some((r) => real === r || real.startsWith(r + sep))) throw new UserError(`${what} ${visibleText(path)}: outside the data folder and the bundled examples`)
  }

  async function decoded(path: string): Promise<Decoded> {
    const real = await allowedPath(path)
    const { mtimeMs } = await stat(real)
    const hit = cache.get(real)
    if (hit && hit.mtimeMs === mtimeMs) {
      cache.delete(real)
      cache.set(real, hit) // most recently used goes last
      return hit.decoded
    }
    const entry = { mtimeMs, decoded: decodeFile(real).then((d) => ({ sampleRate: d.sampleRate, channels: d.channels, nonFinite: d.nonFinite })) }
    cache.set(real, entry)
    entry.decoded.catch(() => cache.delete(real))
    while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string)
    return entry.decoded
  }

  async function describe(path: string): Promise<AudioRef> {
    const d = await decoded(path)
    const frames = d.channels[0]?.length ?? 0
    return {
      path: await allowedPath(path),
      name: displayName(path),
      duration: frames / d.sampleRate,
      sampleRate: d.sampleRate,
      channels: d.channels.length,
      ...(d.nonFinite > 0 && { nonFiniteSamples: d.nonFinite })
    }
  }

  function forUser(message: string, paths: readonly string[]): string {
    // The folder as given and as resolved (a data folder reached through a link): paths arrive either way.
    let real = importsDir
    try {
      real = realpathSync(importsDir)
    } catch {
      /* no imports yet: no path can be one */
    }
    let out = message
    // Longest first, so a path that contains another is replaced whole.
    for (const p of [...paths].sort((a, b) => b.length - a.length)) {
      if ((dirname(p) === importsDir || dirname(p) === real) && IMPORT_PREFIX.test(basename(p))) out = out.split(p).join(displayName(p))
    }
    return out
  }

  async function importBytes(name: string, data: Uint8Array): Promise<AudioRef> {
    const ext = extname(name).toLowerCase()
    if (!AUDIO_EXTENSIONS.has(ext)) throw new UserError(`import ${name}: not an audio file (expected .wav, .mp3, .flac or .ogg)`)
    // Keep the user's name readable but safe as a file name; the uuid prefix keeps imports distinct.
    const safe = basename(name).replace(/[^\w.\- ]+/g, '_').slice(-120)
    const target = join(importsDir, `${randomUUID().slice(0, 8)}-${safe}`)
    // (the prefix matches IMPORT_PREFIX, which displayName strips again)
    await writeFileAtomic(target, data)
    try {
      return await describe(target)
    } catch (err) {
      await rm(target, { force: true })
      throw new UserError(`import ${name}: cannot decode (${describeError(err)})`)
    }
  }

  const handlers: AudioService['handlers'] = {
    async listExamples() {
      let names: string[]
      try {
        names = await readdir(opts.examplesDir)
      } catch {
        return []
      }
      const wavs = names.filter((n) => n.toLowerCase().endsWith('.wav')).sort()
      return Promise.all(wavs.map((n) => describe(join(opts.examplesDir, n))))
    },
    importAudio: ({ name, data }) => importBytes(name, new Uint8Array(data)),
    async openAudioDialog() {
      if (!opts.pickAudioFiles) throw new UserError('open dialog: not available in the browser; use Upload or drop files on a track')
      const chosen = await opts.pickAudioFiles()
      const out: AudioRef[] = []
      for (const p of chosen) out.push(await importBytes(basename(p), await readFile(p)))
      return out
    },
    audioInfo: ({ path }) => describe(path),
    async loadAudio({ path }) {
      const d = await decoded(path)
      return { sampleRate: d.sampleRate, channels: d.channels }
    },
    async audioPeaks({ path, peaksPerSecond }) {
      const d = await decoded(path)
      return computePeaks(d.channels, d.sampleRate, peaksPerSecond)
    },
    async spectrogram({ path }) {
      const d = await decoded(path)
      return computeSpectrogram(d.channels, d.sampleRate)
    },
    async exportAudio({ path }) {
      const real = await allowedPath(path)
      const bytes = await readFile(real)
      return { name: displayName(real), data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }
    }
  }
  return { handlers, allowedPath, assertInsideRoots, describe, forUser }
}

/** realpath of `p`, or of its nearest existing folder joined with the rest (symlinks resolved either way). */
async function realOrNearest(p: string): Promise<string> {
  try {
    return await realpath(p)
  } catch {
    const parent = dirname(p)
    return parent === p ? p : join(await realOrNearest(parent), basename(p))
  }
}

// Imports are stored as "<8 hex>-<name>" so two uploads of "vocal.wav" never collide.
const IMPORT_PREFIX = /^[0-9a-f]{8}-/

/** The name a producer recognises: the file name, without the uniqueness prefix of an import. */
export function displayName(path: string): string {
  return basename(path).replace(IMPORT_PREFIX, '')
}

/** Min/max envelope: `peaksPerSecond` buckets per second of the mono mix (the last one may be short). */
export function computePeaks(channels: Float32Array[], sampleRate: number, peaksPerSecond: number): Peaks {
  const x = mixToMono(channels)
  const buckets = Math.ceil((x.length * peaksPerSecond) / sampleRate)
  const min = new Float32Array(buckets)
  const max = new Float32Array(buckets)
  for (let b = 0; b < buckets; b++) {
    // Bucket edges from the exact (fractional) samples-per-peak, so no drift accumulates over long clips.
    const from = Math.floor((b * sampleRate) / peaksPerSecond)
    const to = Math.min(x.length, Math.floor(((b + 1) * sampleRate) / peaksPerSecond))
    let lo = 0
    let hi = 0
    for (let i = from; i < to; i++) {
      const v = x[i]!
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    min[b] = lo
    max[b] = hi
  }
  return { peaksPerSecond, duration: x.length / sampleRate, min, max }
}

// View spectrogram: 1024-point frames (23 ms at 44.1 kHz), 80 mel bands, at most 1500 frames: enough
// for a track lane a few thousand pixels wide, and at most ~0.5 MB per clip over the wire.
const SPEC_NFFT = 1024
const SPEC_BANDS = 80
const SPEC_MAX_FRAMES = 1500
// The view shows the loudest 80 dB of each clip (a wider range is only noise floor).
const SPEC_RANGE_DB = 80
const NATURAL_LOG_TO_DB = 10 / Math.LN10

/** Log-mel spectrogram in dB (dsp/mel) for the optional spectrogram view. */
export function computeSpectrogram(channels: Float32Array[], sampleRate: number): Spectrogram {
  let x = mixToMono(channels)
  if (x.length < SPEC_NFFT) {
    const padded = new Float32Array(SPEC_NFFT)
    padded.set(x)
    x = padded
  }
  // The STFT hop may not exceed its frame; longer files are analysed at hop = nFft and then pooled.
  const hop = Math.min(SPEC_NFFT, Math.max(SPEC_NFFT / 4, Math.ceil(x.length / SPEC_MAX_FRAMES)))
  const mel = logMel(x, { sampleRate, nFft: SPEC_NFFT, nMels: SPEC_BANDS, hop })
  const pool = Math.ceil(mel.frames / SPEC_MAX_FRAMES)
  const frames = Math.ceil(mel.frames / pool)
  const data = new Float32Array(frames * SPEC_BANDS).fill(-Infinity)
  // Max over each group of `pool` frames (in dB), so a short loud event stays visible when pooled.
  for (let t = 0; t < mel.frames; t++) {
    const row = Math.floor(t / pool) * SPEC_BANDS
    for (let b = 0; b < SPEC_BANDS; b++) {
      const db = mel.data[t * SPEC_BANDS + b]! * NATURAL_LOG_TO_DB
      if (db > data[row + b]!) data[row + b] = db
    }
  }
  let maxDb = -Infinity
  for (const v of data) if (v > maxDb) maxDb = v
  return { frames, bands: SPEC_BANDS, hop: (hop * pool) / sampleRate, data, minDb: maxDb - SPEC_RANGE_DB, maxDb }
}
