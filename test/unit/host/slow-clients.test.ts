/**
 * Regression test for held connections (issue 18's review: slowloris and trickled bodies relied on
 * Node's defaults of 60 s and 300 s, checked every 30 s): a client that sends part of its headers,
 * or its headers and then only part of its body, gets 408 with one line and the socket closed once
 * the host's timeouts pass (set small here), and the host answers the next request.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src-main/api/services'
import { startHost, type Host } from '../../../src-main/host/server'

/** Sends `text` on a raw socket and resolves with everything the host answers before it closes. */
function held(host: Host, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(host.port, '127.0.0.1', () => s.write(text))
    let answer = ''
    s.setEncoding('utf8')
    s.on('data', (c: string) => (answer += c))
    s.on('close', () => resolve(answer))
    s.on('error', reject)
  })
}

function appInfo(host: Host): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/appInfo', headers: { 'X-EB-Token': host.token } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('web host: clients that hold a connection', () => {
  let dir: string
  let services: Services
  let host: Host

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'eb-slow-clients-'))
    await mkdir(join(dir, 'renderer'), { recursive: true })
    await mkdir(join(dir, 'examples'), { recursive: true })
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>')
    services = await createServices({ dataDir: join(dir, 'data'), examplesDir: join(dir, 'examples'), platform: 'web', version: 'test' })
    host = await startHost({ services, rendererDir: join(dir, 'renderer'), port: 0, headersTimeoutMs: 500, requestTimeoutMs: 1500 })
  })

  afterAll(async () => {
    await host.close()
    services.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('ends a client whose headers never finish with 408 and one line', async () => {
    const answer = await held(host, `POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-EB-Tok`)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    const body = answer.split('\r\n\r\n')[1] ?? ''
    expect(body.trim().split('\n')).toHaveLength(1)
    expect(body).toContain('request timeout')
    expect(await appInfo(host)).toBe(200)
  }, 20_000)

  it('ends a client whose body never finishes', async () => {
    const answer = await held(
      host,
      `POST /api/appInfo HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nX-EB-Token: ${host.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":`
    )
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(await appInfo(host)).toBe(200)
  }, 20_000)
})
