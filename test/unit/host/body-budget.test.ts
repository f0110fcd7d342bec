/**
 * Regression test for a hole the doors campaign (issue 18) did not generate: each request body was
 * bounded on its own (64 MB, 520 MB for uploads), but nothing bounded them together, so bodies
 * trickled on parallel connections, never ended, were each buffered up to the limit (60 MB held per
 * connection, measured). The smallest input: two bodies whose sum passes the host's bound.
 */
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src-main/api/services'
import { startHost, type Host } from '../../../src-main/host/server'

const KIB = 1024

/** A chunked POST whose body never ends: `bytes` are sent, then the socket stays open. */
async function openBody(host: Host, bytes: number): Promise<Socket> {
  const s = connect(host.port, '127.0.0.1')
  await new Promise<void>((r) => s.once('connect', () => r()))
  s.write(`POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-EB-Token: ${host.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`)
  await new Promise<void>((r) => s.write(`${bytes.toString(16)}\r\n${' '.repeat(bytes)}\r\n`, () => r()))
  return s
}

/** One whole JSON POST of `bytes` spaces. */
function post(host: Host, bytes: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers = { 'X-EB-Token': host.token, 'Content-Type': 'application/json' }
    const req = request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/appInfo', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(' '.repeat(bytes))
  })
}

/** Polls `f` until it holds (the host reads a trickled body asynchronously). */
async function until(f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await f()); i++) await new Promise((r) => setTimeout(r, 20))
}

describe('web host: request bodies held at once', () => {
  let dir: string
  let services: Services
  let host: Host

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-body-budget-'))
    await mkdir(join(dir, 'renderer'), { recursive: true })
    await mkdir(join(dir, 'examples'), { recursive: true })
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>')
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'web', version: 'test' })
    host = await startHost({ services, rendererDir: join(dir, 'renderer'), port: 0, maxBufferedBytes: 256 * KIB })
  })

  afterAll(async () => {
    await host.close()
    services.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses a body past the bound with 429 and one line, and gives the bytes back when a body ends or its client goes', async () => {
    const open = await openBody(host, 192 * KIB)
    // The trickled body holds 192 KiB of 256: a second body of 128 KiB passes the bound.
    let refused = { status: 0, text: '' }
    await until(async () => (refused = await post(host, 128 * KIB)).status === 429)
    expect(refused.status).toBe(429)
    expect(refused.text).toContain("appInfo: the host is already reading 256 KB of other requests' bodies")
    expect(refused.text.trim().split('\n')).toHaveLength(1)
    // A small body still fits beside it, and a whole body gives its bytes back when its call ends.
    expect((await post(host, 32 * KIB)).status).not.toBe(429)
    expect((await post(host, 32 * KIB)).status).not.toBe(429)
    // The client that never ended its body goes: its 192 KiB come back.
    open.destroy()
    let after = { status: 0, text: '' }
    await until(async () => (after = await post(host, 128 * KIB)).status !== 429)
    expect(after.status).not.toBe(429)
    expect(after.text).not.toContain('already reading')
  })
})
