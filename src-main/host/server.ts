import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { Envelope, ErrorCode } from '../../src-preload/api'
import { decodeWire, encodeWire } from '../../src-preload/wire'
import type { Services } from '../api/services'
import { createDispatcher } from '../ipc/dispatch'
import { CONTENT_SECURITY_POLICY } from '../ipc/csp'
import { serveStatic } from './static'
import { UserError, describeError, visibleText } from '../util/errors'
import { hostAllowed, newToken, originAllowed, presentedToken, TOKEN_COOKIE, tokenMatches } from './token'

/** A running web host. */
export interface Host {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

// Uploads are capped by the importAudio schema at 512 MB; the body limit leaves room for the header.
const MAX_UPLOAD_BODY_BYTES = 520 * 1024 * 1024
// Every other call: a project at real sizes is kilobytes, the schema's worst case (200 tracks of
// 1000 clips) tens of MB; anything larger is refused before it is buffered.
const MAX_CALL_BODY_BYTES = 64 * 1024 * 1024
// Client messages on /events are never read; a frame larger than this closes the socket (1009).
const MAX_WS_FRAME_BYTES = 64 * 1024
// All request bodies buffered at once: one upload and one large call. Each body alone fits its own
// limit, but many at once (bodies trickled on parallel connections) would exhaust memory otherwise.
const MAX_BUFFERED_BODY_BYTES = MAX_UPLOAD_BODY_BYTES + MAX_CALL_BODY_BYTES
// A client trickling its headers (slowloris) or its body holds a socket and, for bodies, a share of
// the budget above: the page sends its headers at once and a 520 MB upload over loopback takes
// seconds, so 10 s for headers and 120 s for a whole request leave real clients far inside and end
// held connections (Node answers 408 and closes) sooner than its defaults (60 s, 300 s).
const HEADERS_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 120_000

/** The addresses `bind` may name: both mean the loopback interface the host listens on. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost'])

const STATUS: Record<ErrorCode, number> = { invalid: 400, 'unknown-method': 404, forbidden: 403, user: 422, internal: 500 }

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer'
}

/**
 * The web host: the same services and contract over HTTP (POST /api/<method>, binary wire or JSON
 * bodies) and a WebSocket (/events), plus the built renderer. Listens on 127.0.0.1 only (`bind`
 * naming anything else is a UserError); every request must present the per-run token (401
 * otherwise) and, when a browser sends one, this host's own Origin (403 otherwise).
 */
export async function startHost(opts: {
  services: Services
  rendererDir: string
  port?: number
  token?: string
  bind?: string
  /** Bytes of request bodies buffered at once across all calls (default 584 MB); a body past it gets 429. */
  maxBufferedBytes?: number
  /** Milliseconds a client may take to send its headers (default 10 s) and its whole request (default 120 s); past them, 408. */
  headersTimeoutMs?: number
  requestTimeoutMs?: number
}): Promise<Host> {
  // Loopback only: a token travels in the URL, so the host must never be reachable from the network.
  if (opts.bind !== undefined && !LOOPBACK_NAMES.has(opts.bind)) {
    throw new UserError(`web host: refusing to listen on "${visibleText(opts.bind.slice(0, 100))}": it serves this machine only (127.0.0.1)`)
  }
  const token = opts.token ?? newToken()
  const dispatch = createDispatcher(opts.services.handlers)
  const buffered: BodyBudget = { used: 0, max: opts.maxBufferedBytes ?? MAX_BUFFERED_BODY_BYTES }
  let port = 0

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(message + '\n')
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, port)) return refuse(res, 403, 'forbidden: unexpected Host header')
    if (!originAllowed(req, port)) return refuse(res, 403, 'forbidden: a page of another origin may not call this host')
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
    let status: number | undefined
    const held = { bytes: 0 }
    try {
      const limit = method === 'importAudio' ? MAX_UPLOAD_BODY_BYTES : MAX_CALL_BODY_BYTES
      const body = await readBody(req, limit, buffered, held)
      if (body === 'too-large') {
        status = 413
        envelope = { ok: false, code: 'invalid', error: `${method}: request body larger than ${limit / 1024 / 1024} MB` }
      } else if (body === 'busy') {
        status = 429
        const bound = buffered.max >= 1024 * 1024 ? `${Math.round(buffered.max / 1024 / 1024)} MB` : `${Math.round(buffered.max / 1024)} KB`
        envelope = { ok: false, code: 'invalid', error: `${method}: the host is already reading ${bound} of other requests' bodies; send it again when they finish` }
      } else {
        const payload = body.byteLength === 0 ? undefined : json ? (JSON.parse(body.toString('utf8')) as unknown) : decodeWire(body)
        envelope = await dispatch(method, payload)
      }
    } catch (err) {
      envelope = { ok: false, code: 'invalid', error: `${method}: unreadable request body (${(err as Error).message})` }
    } finally {
      buffered.used -= held.bytes
      held.bytes = 0
    }
    status ??= envelope.ok ? 200 : STATUS[envelope.code]
    const body = json ? Buffer.from(JSON.stringify(envelope, binaryAsArray)) : encodeWire(envelope)
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': json ? 'application/json' : 'application/octet-stream', 'Content-Length': String(body.byteLength) })
    res.end(body)
  }

  // Node checks the timeouts below on this interval (30 s by default, which would stretch them).
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) refuse(res, 500, `internal error: ${describeError(err)}`)
      else res.destroy()
    })
  })

  server.requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS
  // Node requires headersTimeout <= requestTimeout.
  server.headersTimeout = Math.min(opts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, server.requestTimeout)

  // What Node cannot parse (headers past its 16 KB limit, bytes that are not HTTP) still gets a status and one line.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy()
    const [status, line] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'bad request: headers larger than 16 KB']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', `request timeout: the headers must arrive within ${server.headersTimeout / 1000} s and the whole request within ${server.requestTimeout / 1000} s`]
          : ['400 Bad Request', 'bad request: not well-formed HTTP']
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${line.length + 1}\r\nConnection: close\r\n\r\n${line}\n`)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    const refusal = !hostAllowed(req, port)
      ? '403 Forbidden'
      : !originAllowed(req, port)
        ? '403 Forbidden'
        : !tokenMatches(token, presentedToken(req, url))
          ? '401 Unauthorized'
          : url.pathname !== '/events'
            ? '404 Not Found'
            : undefined
    if (refusal !== undefined) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
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

/** The bytes of request bodies the host holds at once, against its bound. */
interface BodyBudget {
  used: number
  max: number
}

/**
 * The request body, or 'too-large' once it passes `limit` bytes (declared or sent), or 'busy' once
 * it would take `budget` (shared by all calls) past its bound: the rest is discarded unread, so the
 * client still receives the refusal instead of a reset connection. `held.bytes` counts what this
 * body holds of the budget; the caller gives it back when the call ends.
 */
function readBody(req: IncomingMessage, limit: number, budget: BodyBudget, held: { bytes: number }): Promise<Buffer | 'too-large' | 'busy'> {
  return new Promise((resolveBody, reject) => {
    const refuse = (why: 'too-large' | 'busy'): void => {
      req.removeAllListeners('data')
      req.resume()
      budget.used -= held.bytes
      held.bytes = 0
      resolveBody(why)
    }
    const tooLarge = (): void => refuse('too-large')
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge()
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.byteLength
      if (size > limit) return tooLarge()
      if (budget.used + c.byteLength > budget.max) return refuse('busy')
      budget.used += c.byteLength
      held.bytes += c.byteLength
      chunks.push(c)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks)))
    req.on('error', reject)
    // A client gone mid-body: the call ends here, and what the body held goes back to the budget.
    req.on('close', () => {
      if (!req.complete) reject(new Error('the connection closed before the body ended'))
    })
  })
}

/** JSON replies (for curl and scripts) show typed arrays as plain number lists. */
function binaryAsArray(_key: string, v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Uint8Array) return Array.from(v)
  if (v instanceof ArrayBuffer) return Array.from(new Uint8Array(v))
  return v
}
