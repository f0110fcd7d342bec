import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobFinished } from '../../../src-preload/api'
import { createAudioService } from '../../../src-main/api/audio'
import { createServices, type Services } from '../../../src-main/api/services'
import { closeJobPool } from '../../../src-main/api/jobs'
import { encodeWav } from '../../../src-main/audio/wav'
import { neutralChain } from '../../../src-main/engine/effects/chain'

const examples = resolve('resources/examples')
const style = join(examples, 'style-voice.wav')

/** A clip the app imports as the user named it (its copy lands under imports/ with a uniqueness prefix). */
const wav = (channels: number, seconds: number): ArrayBuffer => {
  const n = Math.round(seconds * 16_000)
  const bytes = encodeWav(Array.from({ length: channels }, () => Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin(i / 5))), 16_000)
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

// A producer opens or uploads a file; the app works on its copy under the data folder's imports/.
// What goes wrong with it is said with the name they know, never the copy's internal path.
describe('messages about an imported clip name the user\'s file', { timeout: 120_000 }, () => {
  let dir: string
  let services: Services

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-import-names-'))
    services = await createServices({ dataDir: dir, examplesDir: examples, platform: 'web', version: '0' })
  })
  afterAll(async () => {
    await services.close()
    await closeJobPool()
    await rm(dir, { recursive: true, force: true })
  })

  it('a failed render says "my take.wav", not the imports/ copy', async () => {
    const h = services.handlers
    const take = await h.importAudio({ name: 'my take.wav', data: wav(1, 0.25) })
    expect(take.path).toMatch(/[\\/]imports[\\/][0-9a-f]{8}-my take\.wav$/)
    const finished = new Promise<JobFinished>((done) => {
      const off = services.events.on((event, payload) => {
        if (event === 'jobFinished') {
          off()
          done(payload as JobFinished)
        }
      })
    })
    await h.startRender({ contentPath: take.path, stylePath: style, options: { method: 'match' } })
    const end = await finished
    expect(end.status).toBe('failed')
    expect(end.error).toBe('my take.wav: too short for the match method (0.25 s; it needs at least 0.5 s)')
  })

  it('a refused chain render says the user\'s file name too', async () => {
    const three = await services.handlers.importAudio({ name: 'surround.wav', data: wav(3, 1) })
    await expect(services.handlers.applyChain({ path: three.path, chain: neutralChain() })).rejects.toThrow(/^surround\.wav: effect chain: 3 channels \(mono or stereo only\)$/)
  })

  it('leaves other paths as they are: a bundled example, a file in imports/ without the prefix', () => {
    const a = createAudioService({ dataDir: dir, examplesDir: examples })
    const copy = join(dir, 'imports', '1a2b3c4d-vocal.wav')
    expect(a.forUser(`${copy}: bad; ${style}: bad`, [copy, style])).toBe(`vocal.wav: bad; ${style}: bad`)
    const plain = join(dir, 'imports', 'vocal.wav')
    expect(a.forUser(`${plain}: bad`, [plain])).toBe(`${plain}: bad`)
  })
})
