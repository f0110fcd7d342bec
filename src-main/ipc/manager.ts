import { channelFor, EVENT_CHANNEL, METHOD_NAMES, type Envelope } from '../../src-preload/api'
import type { Dispatch } from './dispatch'

/** The part of Electron's IpcMainInvokeEvent the manager reads. */
export interface IpcEventLike {
  sender: { id: number }
  senderFrame: { url: string } | null
}

/** The part of Electron's ipcMain the manager uses (a plain object in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => Promise<Envelope>): void
  removeHandler(channel: string): void
}

/** Decides whether a message comes from one of the app's own windows showing the app's own page. */
export type SenderCheck = (event: IpcEventLike) => boolean

/** Registers one handler per contract method; call dispose() to remove them all. */
export interface IpcManager {
  dispose(): void
}

/**
 * The one IPC manager in main: every method of the contract gets a handler that first drops senders
 * that are not our windows (a navigated or injected frame must not reach the services), then hands
 * the payload to the dispatcher, which validates it. Needs no running Electron.
 */
export function createIpcManager(opts: { ipc: IpcMainLike; isTrustedSender: SenderCheck; dispatch: Dispatch }): IpcManager {
  const channels = METHOD_NAMES.map((m) => {
    const channel = channelFor(m)
    opts.ipc.handle(channel, async (event, ...args) => {
      if (!opts.isTrustedSender(event)) {
        return { ok: false, code: 'forbidden', error: `${m}: refused, the sender is not an Electric Beats window` }
      }
      // The contract has one argument per call; anything more is malformed, not silently dropped.
      if (args.length > 1) return { ok: false, code: 'invalid', error: `${m}: expected one argument, got ${args.length}` }
      return opts.dispatch(m, args[0])
    })
    return channel
  })
  return {
    dispose() {
      for (const c of channels) opts.ipc.removeHandler(c)
    }
  }
}

/** A sender check: the sender is a live window of ours and its frame shows a page we loaded. */
export function trustedSenders(opts: { windowIds(): number[]; isAppUrl(url: string): boolean }): SenderCheck {
  return (event) => {
    if (!opts.windowIds().includes(event.sender.id)) return false
    const url = event.senderFrame?.url
    return url !== undefined && opts.isAppUrl(url)
  }
}

/** Where events go in Electron: every window's webContents. */
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void
}

/** Forwards an event to windows on the single event channel as (name, payload). */
export function sendEvent(targets: EventTarget[], name: string, payload: unknown): void {
  for (const t of targets) t.send(EVENT_CHANNEL, name, payload)
}
