import { app, BrowserWindow, dialog, shell } from 'electron'
import { join } from 'node:path'
import { createServices, type Services } from '../api/services'
import { resolveDataDir } from '../library/data-dir'
import { setupIpc } from './electron'

/** Native open dialog for audio files, attached to the focused window. */
async function pickAudioFiles(): Promise<string[]> {
  const win = BrowserWindow.getFocusedWindow()
  const options: Electron.OpenDialogOptions = {
    title: 'Add audio',
    properties: ['openFile', 'multiSelections'],
    filters: [{ name: 'Audio', extensions: ['wav', 'mp3', 'flac', 'ogg'] }]
  }
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return result.canceled ? [] : result.filePaths
}

/**
 * The API feature for Electron: services over the data dir (EB_DATA_DIR, else Electron's userData
 * folder), exposed through the IPC manager. Resolves once handlers are registered.
 */
export async function setupApi(isAppUrl: (url: string) => boolean): Promise<Services> {
  const services = await createServices({
    dataDir: resolveDataDir(process.env.EB_DATA_DIR ?? join(app.getPath('userData'), 'data')),
    examplesDir: join(app.getAppPath(), 'resources', 'examples'),
    platform: 'electron',
    version: app.getVersion(),
    pickAudioFiles,
    // The library view's "reveal": Electron's own file manager call, kept out of the services.
    revealPath: (path) => shell.showItemInFolder(path)
  })
  const teardown = setupIpc(services, isAppUrl)
  app.on('will-quit', () => {
    teardown()
    void services.close()
  })
  return services
}
