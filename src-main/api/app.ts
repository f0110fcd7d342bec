import type { AppInfo } from '../../src-preload/api'
import type { ServiceOptions } from './services'

/** The appInfo method: who we are and what this door can do. */
export function createAppService(opts: Pick<ServiceOptions, 'platform' | 'version' | 'pickAudioFiles'>): {
  appInfo(): Promise<AppInfo>
} {
  const info: AppInfo = {
    name: 'Electric Beats',
    version: opts.version,
    platform: opts.platform,
    nativeDialogs: opts.pickAudioFiles !== undefined
  }
  return { appInfo: async () => info }
}
