import { EVENT_NAMES, METHOD_NAMES, type ApiEvents, type ElectricBeatsApi, type Envelope, type EventName } from '../../../src-preload/api'
import { decodeWire, encodeWire } from '../../../src-preload/wire'

type Listener = (payload: unknown) => void

// Reconnect quickly after a host restart, without hammering a host that is gone.
const RECONNECT_MS = 1000

/**
 * The contract in an ordinary browser: methods as POST /api/<name> with binary wire bodies, events
 * from the /events WebSocket (reconnecting). The token comes from the page URL printed by the host.
 */
export function createWebClient(token: string, origin = window.location.origin): ElectricBeatsApi & { close(): void } {
  const listeners = new Map<string, Set<Listener>>()
  let socket: WebSocket | undefined
  let closed = false

  const connect = (): void => {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/events?token=${encodeURIComponent(token)}`)
    socket = ws
    ws.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: string; payload: unknown }
      for (const l of listeners.get(event) ?? []) l(payload)
    }
    ws.onclose = () => {
      if (!closed) setTimeout(connect, RECONNECT_MS)
    }
  }
  connect()

  const call = async (method: string, req?: unknown): Promise<unknown> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-EB-Token': token },
      body: encodeWire(req ?? null) as Uint8Array<ArrayBuffer>
    })
    if (res.status === 401) throw new Error('the host refused the token: open the URL printed by `npm run serve`')
    const envelope = decodeWire(new Uint8Array(await res.arrayBuffer())) as Envelope
    if (!envelope.ok) throw new Error(envelope.error)
    return envelope.value
  }

  const methods = Object.fromEntries(METHOD_NAMES.map((m) => [m, (req?: unknown) => call(m, req)]))
  const known = new Set<string>(EVENT_NAMES)
  return {
    ...methods,
    on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      if (!known.has(event)) throw new Error(`unknown event "${event}"`)
      const set = listeners.get(event) ?? new Set<Listener>()
      listeners.set(event, set)
      const l = listener as Listener
      set.add(l)
      return () => set.delete(l)
    },
    close() {
      closed = true
      socket?.close()
    }
  } as ElectricBeatsApi & { close(): void }
}
