/**
 * The decode cache of the training pipelines: each clip decoded once, mixed to mono, resampled to
 * the model's rate and kept on disk as raw little-endian float32, so epochs after the first never
 * decode an MP3 again. Entries are keyed by the source's path, size and mtime and the rate (a file
 * changed on disk gets a new entry), written atomically (several workers may share the folder),
 * shared by every run over the same data directory, and bounded in size: the least recently used
 * entries go first. Hand-written because no maintained npm cache keys by file identity with a byte
 * bound on disk; it is a folder of files and an LRU by mtime.
 */
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { loadMonoNoted } from '../audio/load'
import { writeFileAtomic } from '../util/atomic-write'
import type { Hz } from '../util/units'

/** The default bound: 4 GiB holds about 18 h of 16 kHz audio (the whole MagnaTagATune set is 170 h at 16 kHz: 39 GiB). */
export const DEFAULT_CACHE_BYTES = 4 * 2 ** 30

/** A decoded clip and whether it came from the cache. */
export interface CachedAudio {
  samples: Float32Array
  hit: boolean
  /** The decoder's notes (NaN/Inf repaired), empty on a cache hit (they were given at the first decode). */
  notes: string[]
}

/** A folder of decoded clips with a size bound. */
export class AudioCache {
  private sizes: Map<string, number> | null = null
  private total = 0

  constructor(
    readonly dir: string,
    readonly maxBytes: number = DEFAULT_CACHE_BYTES
  ) {}

  /** Mono float32 samples of `path` at `sampleRate`: from the cache, or decoded and stored. Rejects with the decoder's UserError. */
  async get(path: string, sampleRate: Hz): Promise<CachedAudio> {
    const s = await stat(path)
    const key = createHash('sha1').update(`${path}\0${s.size}\0${s.mtimeMs}\0${sampleRate}`).digest('hex')
    const file = join(this.dir, `${key}.f32`)
    const hit = await readFile(file).catch(() => null)
    if (hit && hit.byteLength % 4 === 0) {
      const now = new Date()
      await utimes(file, now, now).catch(() => {}) // recently used: last to be evicted
      return { samples: new Float32Array(hit.buffer.slice(hit.byteOffset, hit.byteOffset + hit.byteLength)), hit: true, notes: [] }
    }
    const { samples, notes } = await loadMonoNoted(path, sampleRate)
    await this.store(file, samples)
    return { samples, hit: false, notes }
  }

  /** Bytes held now. */
  async size(): Promise<number> {
    await this.index()
    return this.total
  }

  private async store(file: string, samples: Float32Array): Promise<void> {
    if (samples.byteLength > this.maxBytes) return // larger than the whole cache: decode it each time
    await this.index()
    await writeFileAtomic(file, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength))
    this.total += samples.byteLength - (this.sizes!.get(file) ?? 0)
    this.sizes!.set(file, samples.byteLength)
    if (this.total > this.maxBytes) await this.evict(file)
  }

  /** Lists the folder once per process; later changes are tracked in memory. */
  private async index(): Promise<void> {
    if (this.sizes) return
    await mkdir(this.dir, { recursive: true })
    this.sizes = new Map()
    this.total = 0
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.f32')) continue
      const file = join(this.dir, name)
      const size = (await stat(file).catch(() => null))?.size ?? 0
      this.sizes.set(file, size)
      this.total += size
    }
  }

  /** Drops least recently used entries (oldest mtime) until the cache fits, never `keep`. */
  private async evict(keep: string): Promise<void> {
    const entries = await Promise.all(
      [...this.sizes!.keys()].filter((f) => f !== keep).map(async (f) => ({ f, t: (await stat(f).catch(() => null))?.mtimeMs ?? 0 }))
    )
    entries.sort((a, b) => a.t - b.t)
    for (const { f } of entries) {
      if (this.total <= this.maxBytes) break
      await rm(f, { force: true })
      this.total -= this.sizes!.get(f) ?? 0
      this.sizes!.delete(f)
    }
  }
}
