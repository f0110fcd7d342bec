import { contextBridge, ipcRenderer } from 'electron'
import type { ElectricBeatsApi } from './api'

/** Exposes the API contract to the renderer; nothing more. */
const api: ElectricBeatsApi = {
  appInfo: () => ipcRenderer.invoke('appInfo')
}

contextBridge.exposeInMainWorld('electricBeats', api)
