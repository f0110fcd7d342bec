import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FIXTURES } from './corpus'
import { crc16, crc8 } from './formats/crc'
import { findFrames, readFlac } from './formats/flac-read'
import { writeTestFlac } from './formats/flac-write'
import { oggPages } from './formats/ogg-read'
import { crc32Ogg } from './formats/crc'
import { expectedWavFrames, readWav } from './formats/wav-read'
import { writeTestWav } from './formats/wav-write'
import { flacMutations } from './mutations/flac'
import { wavMutations } from './mutations/wav'
import { audioWrongs } from './oracles/audio'
import { fuzzRng } from './random'
import { referenceShape } from './reference'
import { tally } from './tally'

/** The harness itself: its writers make files libFLAC and sox accept, its oracles catch planted faults. */
describe('fuzz harness', () => {
  it('computes the FLAC and Ogg checksums of the specifications', () => {
    const check = new TextEncoder().encode('123456789')
    expect(crc8(check)).toBe(0xf4) // CRC-8, poly 0x07
    expect(crc16(check)).toBe(0xfee8) // CRC-16/BUYPASS, poly 0x8005
    const ogg = new Uint8Array(readFileSync(join(FIXTURES.audio, 'stereo.ogg')))
    for (const p of oggPages(ogg).slice(0, 3)) {
      const page = ogg.slice(p.at, p.end)
      const stored = new DataView(page.buffer).getUint32(22, true)
      page.fill(0, 22, 26)
      expect(crc32Ogg(page)).toBe(stored)
    }
  })

  it('writes FLAC that libFLAC accepts, also with frame headers taking the rate from STREAMINFO', () => {
    const spec = { channels: 2, bits: 16, sampleRate: 44100, frames: 3000, blockSize: 1152 } as const
    const b = writeTestFlac(spec)
    const info = readFlac(b)!
    expect(info.streamInfo).toMatchObject({ sampleRate: 44100, channels: 2, bits: 16, totalSamples: 3000 })
    expect(findFrames(b, info.audioStart!)).toHaveLength(3)
    const rate0 = flacMutations.find((m) => m.name === 'flac-rate-from-streaminfo')!.apply(b, fuzzRng(1))!
    expect(rate0.valid).toBe(true)
    expect(findFrames(rate0.bytes, info.audioStart!).every((f) => (rate0.bytes[f.at + 2]! & 15) === 0)).toBe(true)
    if (!existsSync('/usr/bin/flac')) return console.warn('flac not installed: libFLAC check of the writer skipped (apt-get install flac)')
    const dir = mkdtempSync(join(tmpdir(), 'eb-fuzz-harness-'))
    try {
      for (const [name, bytes] of [['plain.flac', b], ['rate0.flac', rate0.bytes]] as const) {
        writeFileSync(join(dir, name), bytes)
        expect(spawnSync('/usr/bin/flac', ['-t', '-s', join(dir, name)]).status, name).toBe(0)
        expect(referenceShape('flac', join(dir, name), dir).shape).toEqual({ sampleRate: 44100, channels: 2, frames: 3000 })
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reads WAV sizes as issue 12 defines them: a stated size capped, 0 and 0xFFFFFFFF to the end', () => {
    const b = writeTestWav({ encoding: 'pcm16', channels: 2, sampleRate: 8000, frames: 100, listChunk: true })
    const w = readWav(b)!
    expect(expectedWavFrames(w, b.length)).toBe(100)
    const sizeMutation = wavMutations.find((m) => m.name === 'wav-data-size')!
    for (let seed = 0; seed < 40; seed++) {
      const r = sizeMutation.apply(b, fuzzRng(seed))!
      const size = new DataView(r.bytes.buffer).getUint32(readWav(r.bytes)!.data!.at + 4, true)
      if (size === 0 || size === 0xffffffff || size >= 400) {
        expect(r.valid, `size ${size}`).toBe(true)
        expect(expectedWavFrames(readWav(r.bytes)!, r.bytes.length)).toBe(100)
      } else expect(r.valid, `size ${size}`).toBe(false)
    }
  })

  it('flags planted faults: a length beyond the bytes, a rate other than the header, a valid variant changed', async () => {
    const b = writeTestWav({ encoding: 'pcm16', channels: 1, sampleRate: 8000, frames: 50 })
    const decoded = (rate: number, frames: number): Parameters<typeof audioWrongs>[2] => ({
      sampleRate: rate,
      channels: [new Float32Array(frames)],
      format: { container: 'wav', codec: 'pcm_s16le' }
    })
    expect(await audioWrongs(b, 'x.wav', decoded(8000, 60))).toEqual(expect.arrayContaining([expect.stringMatching(/exceed the 100 bytes present/)]))
    expect(await audioWrongs(b, 'x.wav', decoded(16000, 50))).toEqual(expect.arrayContaining([expect.stringMatching(/fmt says 8000 Hz/)]))
    expect(await audioWrongs(b, 'x.wav', decoded(8000, 50), { sampleRate: 8000, channels: 1, frames: 49 })).toEqual(
      expect.arrayContaining([expect.stringMatching(/valid variant/)])
    )
  })

  it('tallies per target and mutation, and groups failures that differ only in paths and numbers', () => {
    const base = { target: 'info' as const, seedFile: 's', note: 'n', ms: 1 }
    const t = tally([
      { ...base, id: '1:0', mutation: 'a', outcome: 'WRONG', detail: '/tmp/x/1.wav: 5 frames' },
      { ...base, id: '1:1', mutation: 'a', outcome: 'WRONG', detail: '/tmp/y/2.wav: 7 frames' },
      { ...base, id: '1:2', mutation: 'b', outcome: 'OK', detail: '', integrityFailure: 'integrity_check: x' }
    ])
    expect(t.total.outcomes.WRONG).toBe(2)
    expect(t.total.integrity).toBe(1)
    expect(t.byMutation.get('a')!.tried).toBe(2)
    expect(t.signatures.find((s) => s.outcome === 'WRONG')).toMatchObject({ count: 2, first: { id: '1:0' } })
  })
})
