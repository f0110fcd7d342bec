import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Envelope, ErrorCode } from '../../src-preload/api'
import { decodeWire, encodeWire } from '../../src-preload/wire'
import type { Services } from '../api/services'
import { createDispatcher } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../ipc/csp'
import { serveStatic } from './static'
import { hostAllowed, newToken, presentedToken, TOKEN_COOKIE, tokenMatches } from './token'

/** A running web host. */
export interface Host {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

// Uploads are capped by the importAudio schema at 512 MB; the body limit leaves room for the header.
const MAX_BODY_BYTES = 520 * 1024 * 1024

const STATUS: Record<ErrorCode, number> = { invalid: 400, 'unknown-method': 404, forbidden: 403, user: 422, internal: 500 }

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer'
}

/**
 * The web host: the same services and contract over HTTP (POST /api/<method>, binary wire or JSON
 * bodies) and a WebSocket (/events), plus the built renderer. Listens on 127.0.0.1 only; every
 * request must present the per-run token (401 otherwise).
 */
export async function startHost(opts: { services: Services; rendererDir: string; port?: number; token?: string }): Promise<Host> {
  const token = opts.token ?? newToken()
  const dispatch = createDispatcher(opts.services.handlers)
  let port = 0

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(message + '\n')
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port)) return refuse(res, 403, 'forbidden: unexpected Host header')
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (!tokenMatches(token, presentedToken(req, url))) return refuse(res, 401, 'unauthorized: open the URL printed by `npm run serve` (it carries the token)')
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return refuse(res, 405, 'method not allowed: API calls are POST')
      return callApi(url.pathname.slice('/api/'.length), req, res)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed')
    // The page's own asset requests carry no token; the cookie set here lets them through.
    const cookie = `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    if (!(await serveStatic(opts.rendererDir, url.pathname, res, { ...SECURITY_HEADERS, 'Set-Cookie': cookie }))) refuse(res, 404, 'not found')
  }

  async function callApi(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (req.headers['content-type'] ?? '').startsWith('application/json')
    let envelope: Envelope
    try {
      const body = await readBody(req)
      const payload = body.byteLength === 0 ? undefined : json ? (JSON.parse(body.toString('utf8')) as unknown) : decodeWire(body)
      envelope = await dispatch(method, payload)
    } catch (err) {
      envelope = { ok: false, code: 'invalid', error: `${method}: unreadable request body (${(err as Error).message})` }
    }
    const status = envelope.ok ? 200 : STATUS[envelope.code]
    const body = json ? Buffer.from(JSON.stringify(envelope, binaryAsArray)) : encodeWire(envelope)
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': json ? 'application/json' : 'application/octet-stream', 'Content-Length': String(body.byteLength) })
    res.end(body)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) refuse(res, 500, `internal error: ${(err as Error).message}`)
      else res.destroy()
    })
  })

  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    if (!hostAllowed(req, port) || url.pathname !== '/events' || !tokenMatches(token, presentedToken(req, url))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const off = opts.services.events.on((event, payload) => ws.send(JSON.stringify({ event, payload })))
      ws.on('close', off)
      ws.on('error', off)
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    // Loopback only: the host is for this machine's browser and tests, never the network.
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.byteLength
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body larger than 520 MB'))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** JSON replies (for curl and scripts) show typed arrays as plain number lists. */
function binaryAsArray(_key: string, v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Uint8Array) return Array.from(v)
  if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v))
  return v
}
