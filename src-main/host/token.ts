import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** A fresh per-run access token: 32 random bytes, URL-safe (256 bits: not guessable). */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Name of the cookie that carries the token for the page's own asset requests. */
export const TOKEN_COOKIE = 'eb_token'

/** The token a request presents: ?token=, the x-eb-token header, or the cookie (in that order). */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('token')
  if (fromQuery) return fromQuery
  const header = req.headers['x-eb-token']
  if (typeof header === 'string' && header !== '') return header
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return v.join('=')
  }
  return undefined
}

/** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(presented)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** DNS-rebinding guard: the Host header must name the loopback address we listen on. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`
}

/**
 * Cross-origin guard: a browser names the page behind every POST and WebSocket in Origin, so a
 * page of any other origin (another site, another local port, a sandboxed "null") is refused.
 * Requests without Origin come from scripts and curl, which the token alone admits.
 */
export function originAllowed(req: IncomingMessage, port: number): boolean {
  const origin = req.headers.origin
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
}
