/**
 * THE contract between the renderer and the services: one typed interface, implemented in main,
 * exposed by preload (Electron) and by the web host (HTTP + WebSocket), used by the renderer.
 */
export interface AppInfo {
  name: string
  version: string
}

/** Methods the renderer may call. Each returns a promise; failures reject with one clear line. */
export interface ElectricBeatsApi {
  appInfo(): Promise<AppInfo>
}
