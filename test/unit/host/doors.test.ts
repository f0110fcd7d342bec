/**
 * Regression tests for the holes the doors campaign (bench/reliability/doors.ts, issue 18) found in
 * the web host, each with the smallest input that showed it: a page of a foreign origin could call
 * the API and open the event socket with the token; a body over the limit got no answer (the
 * socket was destroyed) or was buffered whole; a 100 MB WebSocket frame was accepted; and there
 * was no refusal of a non-loopback bind; a symlink in the renderer folder was served from outside
 * it; and requests Node cannot parse got a status without a line.
 */
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createServices, type Services } from '../../../src-main/api/services'
import { startHost, type Host } from '../../../src-main/host/server'

/** One POST with raw headers (fetch would not let a test set Origin or a false Content-Length). */
function post(port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Resolves 'open' or the status of a refused upgrade. */
function upgrade(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => {
      ws.terminate()
      resolve('open')
    })
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('error', () => {})
  })
}

describe('web host doors', () => {
  let dir: string
  let services: Services
  let host: Host
  let rendererDir: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-doors-host-'))
    rendererDir = join(dir, 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>')
    await writeFile(join(dir, 'secret.txt'), 'not for the web')
    await symlink(join(dir, 'secret.txt'), join(rendererDir, 'link-out.txt'))
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'web', version: '0' })
    host = await startHost({ services, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await host.close()
    await services.close()
    await rm(dir, { recursive: true, force: true })
  })

  const json = (extra: Record<string, string> = {}): Record<string, string> => ({ 'Content-Type': 'application/json', 'X-EB-Token': host.token, ...extra })

  it('refuses a call from a page of another origin even with the token (403), and creates nothing', async () => {
    const r = await post(host.port, '/api/createProject', json({ Origin: 'https://evil.example' }), '{"name":"x"}')
    expect(r).toEqual({ status: 403, text: 'forbidden: a page of another origin may not call this host\n' })
    expect((await post(host.port, '/api/appInfo', json({ Origin: 'null' }), '{}')).status).toBe(403)
    expect((await post(host.port, '/api/appInfo', json({ Origin: `http://127.0.0.1:${host.port + 1}` }), '{}')).status).toBe(403)
    expect(await services.handlers.listProjects()).toEqual([])
    // The page the host serves, and scripts that send no Origin, still get through.
    expect((await post(host.port, '/api/appInfo', json({ Origin: `http://127.0.0.1:${host.port}` }), '{}')).status).toBe(200)
    expect((await post(host.port, '/api/appInfo', json(), '{}')).status).toBe(200)
  })

  it('refuses a WebSocket from a foreign origin (403) and one without the token (401)', async () => {
    const url = `ws://127.0.0.1:${host.port}/events`
    expect(await upgrade(`${url}?token=${host.token}`, { Origin: 'https://evil.example' })).toBe(403)
    expect(await upgrade(url, {})).toBe(401)
    expect(await upgrade(`ws://127.0.0.1:${host.port}/other?token=${host.token}`, {})).toBe(404)
    expect(await upgrade(`${url}?token=${host.token}`, { Origin: `http://127.0.0.1:${host.port}` })).toBe('open')
  })

  it('closes the event socket on a client frame over 64 KiB (1009) instead of buffering it', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${host.token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    ws.on('error', () => {})
    ws.send(Buffer.alloc(64 * 1024 + 1))
    expect(await closed).toBe(1009)
  })

  it('answers a body declared over the limit with 413 and one line, without waiting for it', async () => {
    const r = await post(host.port, '/api/audioInfo', json({ 'Content-Length': String(64 * 1024 * 1024 + 1) }), '{}')
    expect(r.status).toBe(413)
    expect(JSON.parse(r.text)).toEqual({ ok: false, code: 'invalid', error: 'audioInfo: request body larger than 64 MB' })
  })

  it('stops reading a streamed body at 64 MB for calls other than uploads, and answers 413', async () => {
    const agent = new Agent({ keepAlive: true })
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/createProject', headers: json(), agent }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      const block = Buffer.alloc(1024 * 1024, 0x20)
      let sent = 0
      const pump = (): void => {
        // 65 blocks: one past the limit; the answer may come before the last ones are written.
        while (sent < 65) {
          sent++
          if (!req.write(block)) return void req.once('drain', pump)
        }
        req.end()
      }
      pump()
    })
    agent.destroy()
    expect(status).toBe(413)
  })

  it('does not follow a symlink in the renderer folder out of it (404)', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/link-out.txt`, { headers: { 'X-EB-Token': host.token } })
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('not found\n')
  })

  it('answers headers past 16 KB (431) and bytes that are not HTTP (400) with one line', async () => {
    const raw = (bytes: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect(host.port, '127.0.0.1')
        let text = ''
        socket.on('data', (c: Buffer) => (text += c.toString('latin1')))
        socket.on('end', () => resolve(text))
        socket.on('error', reject)
        socket.write(bytes)
      })
    const big = await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-Pad: ${'p'.repeat(17 * 1024)}\r\n\r\n`)
    expect(big).toMatch(/^HTTP\/1\.1 431 /)
    expect(big.endsWith('\r\n\r\nbad request: headers larger than 16 KB\n')).toBe(true)
    const garbage = await raw('GARBAGE\r\n\r\n')
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /)
    expect(garbage.endsWith('\r\n\r\nbad request: not well-formed HTTP\n')).toBe(true)
  })

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startHost({ services, rendererDir, port: 0, bind: '0.0.0.0' })).rejects.toThrow(
      'web host: refusing to listen on "0.0.0.0": it serves this machine only (127.0.0.1)'
    )
    await expect(startHost({ services, rendererDir, port: 0, bind: '::' })).rejects.toThrow(/refusing to listen on "::"/)
    const local = await startHost({ services, rendererDir, port: 0, bind: 'localhost' })
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    await local.close()
  })
})
