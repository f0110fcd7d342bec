import type { ElectricBeatsApi } from '../../../src-preload/api'
import { createWebClient } from './web-client'

declare global {
  interface Window {
    /** Set by the Electron preload; absent in an ordinary browser. */
    electricBeats?: ElectricBeatsApi
  }
}

let api: ElectricBeatsApi | undefined

/** The API for this page: the preload's in Electron, the web host's client in a browser. */
export function useApi(): ElectricBeatsApi {
  if (api) return api
  if (window.electricBeats) api = window.electricBeats
  else {
    const token = new URLSearchParams(window.location.search).get('token')
    if (!token) throw new Error('no API: open the URL printed by `npm run serve` (it carries ?token=...)')
    api = createWebClient(token)
  }
  return api
}
