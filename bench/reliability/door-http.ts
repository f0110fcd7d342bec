/**
 * Raw HTTP and WebSocket clients for the doors campaign: requests the browser's fetch would never
 * send (a foreign Host header, a body the client keeps streaming, a declared length it never
 * sends), and the judge of an answer: let through, a clear refusal, or an unclear one.
 */
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import WebSocket from 'ws'
import { decodeWire } from '../../src-preload/wire'

/** What came back: a status and body, or the transport error when no answer arrived. */
export interface Answer {
  status: number
  contentType: string
  body: Buffer
  error?: string
}

// No keep-alive: every case gets its own connection, so one case's broken socket cannot taint the next.
const agent = new Agent({ keepAlive: false, maxSockets: Infinity })
// A streamed body the server refuses half-way: with "Connection: close" the server closes the socket
// after its answer while the client is still writing, and the client may see the reset before the
// answer (what a browser's keep-alive connection avoids); so streams go over keep-alive.
const streamAgent = new Agent({ keepAlive: true, maxSockets: Infinity })

/** One HTTP request to the host on 127.0.0.1:port; never throws (a transport error comes back as status 0). */
export function send(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array | string; stream?: { chunk: number; total: number }; timeoutMs?: number }
): Promise<Answer> {
  return new Promise((resolveAnswer) => {
    let settled = false
    const done = (a: Answer): void => {
      if (settled) return
      settled = true
      resolveAnswer(a)
    }
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers, agent: opts.stream ? streamAgent : agent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => done({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }))
      res.on('error', (e) => done({ status: res.statusCode ?? 0, contentType: '', body: Buffer.concat(chunks), error: e.message }))
    })
    req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('no answer in time')))
    req.on('error', (e) => done({ status: 0, contentType: '', body: Buffer.alloc(0), error: e.message }))
    if (opts.stream) {
      // Keep writing until the server answers or the total is sent (a refused upload stops early).
      const { chunk, total } = opts.stream
      const block = Buffer.alloc(chunk, 0x61)
      let sent = 0
      const pump = (): void => {
        while (!settled && sent < total) {
          sent += chunk
          if (!req.write(block)) return void req.once('drain', pump)
        }
        if (!settled) req.end()
      }
      req.on('response', () => (sent = total))
      pump()
      return
    }
    req.end(opts.body)
  })
}

/** Writes raw bytes (not necessarily HTTP) and parses whatever status line and body come back. */
export function sendRaw(port: number, bytes: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    const finish = (error?: string): void => {
      clearTimeout(timer)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)
      const contentType = /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1] ?? ''
      resolveAnswer({ status, contentType, body: Buffer.from(rest.join('\r\n\r\n'), 'latin1'), ...(status === 0 && { error: error ?? 'connection closed without an answer' }) })
    }
    const timer = setTimeout(() => finish('no answer in time'), timeoutMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => finish())
    socket.on('error', (e) => finish(e.message))
    socket.write(bytes)
  })
}

/** How the door answered a case that must be refused. */
export type Verdict = 'refused' | 'let-through' | 'unclear'

/**
 * Judges an answer to a request that must be refused: a 2xx or an ok envelope lets it through; a
 * 4xx whose message is one line, without a stack trace, is a clear refusal; anything else (5xx,
 * no answer, several lines, a stack) is unclear. Returns the verdict and the message seen.
 */
export function judge(a: Answer): { verdict: Verdict; message: string } {
  if (a.status === 0) return { verdict: 'unclear', message: `no answer (${a.error ?? 'connection closed'})` }
  if (a.status >= 200 && a.status < 300) return { verdict: 'let-through', message: `${a.status} (${a.body.byteLength} bytes)` }
  let message: string
  let ok = false
  try {
    if (a.contentType.startsWith('application/json')) {
      const env = JSON.parse(a.body.toString('utf8')) as { ok: boolean; error?: string }
      ok = env.ok
      message = env.error ?? ''
    } else if (a.contentType.startsWith('application/octet-stream')) {
      const env = decodeWire(a.body) as { ok: boolean; error?: string }
      ok = env.ok
      message = env.error ?? ''
    } else message = a.body.toString('utf8').replace(/\n$/, '')
  } catch (err) {
    return { verdict: 'unclear', message: `unreadable answer (${(err as Error).message})` }
  }
  if (ok || (a.status >= 200 && a.status < 300)) return { verdict: 'let-through', message: `${a.status} ok` }
  return { verdict: clearLine(message) && a.status >= 400 && a.status < 500 ? 'refused' : 'unclear', message: `${a.status} ${message.slice(0, 200)}` }
}

/** One line, not empty, no stack frame, short enough to read (a quoted 4096-character path fits). */
export function clearLine(message: string): boolean {
  return message.length > 0 && message.length <= 6000 && !/[\r\n]/.test(message) && !/\bat .+:\d+:\d+/.test(message)
}

/** Opens a WebSocket; resolves 'open' or the refusal (HTTP status from the failed upgrade). */
export function tryWebSocket(url: string, headers: Record<string, string>): Promise<{ opened: boolean; status: number; ws?: WebSocket; error?: string }> {
  return new Promise((resolveWs) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => resolveWs({ opened: true, status: 101, ws }))
    ws.on('unexpected-response', (_req, res) => {
      resolveWs({ opened: false, status: res.statusCode ?? 0 })
      res.resume()
      ws.terminate()
    })
    ws.on('error', (e) => resolveWs({ opened: false, status: 0, error: e.message }))
  })
}

/** Sends one frame of `bytes` on an open socket; resolves the close code the server answered, or 0 if it kept the socket open for `waitMs`. */
export function sendHugeFrame(ws: WebSocket, bytes: number, waitMs: number): Promise<number> {
  return new Promise((resolveClose) => {
    const timer = setTimeout(() => {
      ws.terminate()
      resolveClose(0)
    }, waitMs)
    ws.on('close', (code) => {
      clearTimeout(timer)
      resolveClose(code)
    })
    ws.on('error', () => {})
    ws.send(Buffer.alloc(bytes, 0x62))
  })
}
