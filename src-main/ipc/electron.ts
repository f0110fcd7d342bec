import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import type { Services } from '../api/services'
import { createDispatcher } from './dispatch'
import { createIpcManager, sendEvent, trustedSenders, type IpcMainLike } from './manager'

/**
 * Electron door: the IPC manager on ipcMain, trusting only our windows showing `isAppUrl` pages,
 * and every service event forwarded to those windows. Returns the teardown.
 */
export function setupIpc(services: Services, isAppUrl: (url: string) => boolean): () => void {
  const windows = (): BrowserWindow[] => BrowserWindow.getAllWindows().filter((w) => !w.isDestroyed())
  const ipc: IpcMainLike = {
    handle: (channel, listener) => ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => listener(event, ...args)),
    removeHandler: (channel) => ipcMain.removeHandler(channel)
  }
  const manager = createIpcManager({
    ipc,
    isTrustedSender: trustedSenders({ windowIds: () => windows().map((w) => w.webContents.id), isAppUrl }),
    dispatch: createDispatcher(services.handlers)
  })
  const off = services.events.on((name, payload) => sendEvent(windows().map((w) => w.webContents), name, payload))
  return () => {
    off()
    manager.dispose()
  }
}
