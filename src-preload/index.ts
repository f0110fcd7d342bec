import { contextBridge, ipcRenderer } from 'electron'
import { channelFor, EVENT_CHANNEL, EVENT_NAMES, METHOD_NAMES, type ApiEvents, type ElectricBeatsApi, type Envelope, type EventName } from './api'

/** Turns an envelope back into a value or a rejected promise with the one-line message. */
function unwrap(envelope: Envelope): unknown {
  if (envelope.ok) return envelope.value
  throw new Error(envelope.error)
}

const methods = Object.fromEntries(
  METHOD_NAMES.map((m) => [m, (req?: unknown) => ipcRenderer.invoke(channelFor(m), req).then((e: Envelope) => unwrap(e))])
)

const knownEvents = new Set<string>(EVENT_NAMES)

/** Exposes the API contract to the renderer; nothing more (ipcRenderer itself never crosses). */
const api = {
  ...methods,
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    if (!knownEvents.has(event)) throw new Error(`unknown event "${String(event)}"`)
    const wrapped = (_e: unknown, name: string, payload: ApiEvents[E]): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(EVENT_CHANNEL, wrapped)
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, wrapped)
  }
} as ElectricBeatsApi

contextBridge.exposeInMainWorld('electricBeats', api)
