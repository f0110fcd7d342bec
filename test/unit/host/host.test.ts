import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { AudioRef, Envelope, Peaks } from '../../../src-preload/api'
import { decodeWire, encodeWire } from '../../../src-preload/wire'
import { encodeWav } from '../../../src-main/audio/wav'
import { createServices, type Services } from '../../../src-main/api/services'
import { startHost, type Host } from '../../../src-main/host/server'

/** One second of a 441 Hz sine at 8 kHz: small, and its peaks are known (+-0.5). */
function sineWav(): Uint8Array {
  const sr = 8000
  const x = new Float32Array(sr).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 441 * i) / sr))
  return encodeWav([x], sr, { float: true })
}

describe('web host', () => {
  let dir: string
  let services: Services
  let host: Host
  let base: string

  const call = async (method: string, req: unknown, token = host.token): Promise<{ status: number; envelope: Envelope }> => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-EB-Token': token },
      body: encodeWire(req)
    })
    const body = new Uint8Array(await res.arrayBuffer())
    // Refusals before the API (401, 403) are plain text, not envelopes.
    const envelope: Envelope = res.status === 401 || res.status === 403 ? { ok: false, code: 'forbidden', error: new TextDecoder().decode(body) } : (decodeWire(body) as Envelope)
    return { status: res.status, envelope }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-host-'))
    const rendererDir = join(dir, 'renderer')
    await mkdir(join(rendererDir, 'assets'), { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>EB</title>')
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    await writeFile(join(dir, 'secret.txt'), 'not for the web')
    await mkdir(join(dir, 'examples'))
    await writeFile(join(dir, 'examples', 'sine.wav'), sineWav())
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'web', version: '1.2.3' })
    host = await startHost({ services, rendererDir, port: 0 })
    base = `http://127.0.0.1:${host.port}`
  })
  afterAll(async () => {
    await host.close()
    await services.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('prints a loopback URL carrying a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/)
  })

  it('refuses requests without the token or with a wrong one (401)', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401)
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401)
    expect((await fetch(`${base}/?token=wrong`)).status).toBe(401)
    expect((await call('appInfo', null, 'x'.repeat(43))).status).toBe(401)
  })

  it('serves the renderer with the token and sets the cookie its assets use', async () => {
    const page = await fetch(host.url)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = page.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^eb_token=[\w-]+; HttpOnly; SameSite=Strict/)
    const asset = await fetch(`${base}/assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(asset.status).toBe(200)
    expect(await asset.text()).toBe('console.log(1)')
  })

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`${base}/..%2Fsecret.txt`, { headers: { 'X-EB-Token': host.token } })
    expect(res.status).toBe(404)
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: `/?token=${host.token}`, headers: { Host: 'evil.example' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  it('answers JSON calls too (for scripts and curl)', async () => {
    const res = await fetch(`${base}/api/appInfo`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-EB-Token': host.token }, body: '{}' })
    expect(await res.json()).toEqual({ ok: true, value: { name: 'Electric Beats', version: '1.2.3', platform: 'web', nativeDialogs: false } })
  })

  it('uploads audio into the data dir and returns peaks as binary', async () => {
    const bytes = sineWav()
    const { status, envelope } = await call('importAudio', { name: 'my vocal?.wav', data: bytes.slice().buffer })
    expect(envelope).toEqual({ ok: true, value: expect.anything() })
    expect(status).toBe(200)
    const ref = (envelope as { value: AudioRef }).value
    expect(ref.path.startsWith(join(dir, 'data', 'imports'))).toBe(true)
    expect(ref.name).toBe('my vocal_.wav')
    expect(ref.duration).toBeCloseTo(1, 6)
    expect(ref.sampleRate).toBe(8000)
    const peaks = (await call('audioPeaks', { path: ref.path, peaksPerSecond: 100 })).envelope as { value: Peaks }
    expect(peaks.value.max).toBeInstanceOf(Float32Array)
    expect(peaks.value.max.length).toBe(100)
    // Each 10 ms bucket holds 4.41 periods of the sine: its extremes are +-0.5 within float rounding.
    expect(Math.max(...peaks.value.max)).toBeCloseTo(0.5, 3)
    expect(Math.min(...peaks.value.min)).toBeCloseTo(-0.5, 3)
  })

  it('refuses a non-audio upload with a clear line and leaves no file behind', async () => {
    const before = await readdir(join(dir, 'data', 'imports'))
    const { status, envelope } = await call('importAudio', { name: 'notes.wav', data: new TextEncoder().encode('hello').buffer })
    expect(status).toBe(422)
    expect((envelope as { error: string }).error).toMatch(/^import notes\.wav: cannot decode/)
    expect(await readdir(join(dir, 'data', 'imports'))).toEqual(before)
  })

  it('rejects malformed payloads with 400 and a clear message', async () => {
    const { status, envelope } = await call('audioPeaks', { path: 'x.wav', peaksPerSecond: 'many' })
    expect(status).toBe(400)
    expect(envelope).toMatchObject({ ok: false, code: 'invalid' })
    const garbage = await fetch(`${base}/api/appInfo`, { method: 'POST', headers: { 'X-EB-Token': host.token }, body: 'garbage!' })
    expect(garbage.status).toBe(400)
    expect(await call('nope', null)).toMatchObject({ status: 404 })
  })

  it('lists the bundled examples', async () => {
    const { envelope } = await call('listExamples', null)
    expect((envelope as { value: AudioRef[] }).value.map((e) => e.name)).toEqual(['sine.wav'])
  })

  it('streams library events over the WebSocket to token holders only', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${host.port}/events`)
    const refusal = await new Promise<string>((resolve) => {
      refused.on('error', (e) => resolve(e.message))
      refused.on('open', () => resolve('opened'))
    })
    expect(refusal).toMatch(/401/)

    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${host.token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const event = new Promise<{ event: string; payload: { kind: string; id: string } }>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))))
    const { envelope } = await call('createProject', { name: 'Demo' })
    const id = (envelope as { value: { id: string } }).value.id
    expect(await event).toEqual({ event: 'libraryChanged', payload: { kind: 'project', id } })
    ws.close()
  })
})
