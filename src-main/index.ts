import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow } from 'electron'
import { setupSecurity } from './ipc/security'
import { setupApi } from './ipc/setup'

const devUrl = process.env.ELECTRON_RENDERER_URL
const pageFile = join(__dirname, '../renderer/index.html')

/** Only our own page (the built file, or the dev server in `npm run dev`) counts as the app. */
function isAppUrl(url: string): boolean {
  if (devUrl) return new URL(url).origin === new URL(devUrl).origin
  return url.split(/[?#]/)[0] === pathToFileURL(pageFile).href
}

/** Electron entry: create the secure window and call each feature's setup; nothing else. */
function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Electric Beats',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.once('ready-to-show', () => win.show())
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(pageFile)
  return win
}

setupSecurity(isAppUrl)

void app.whenReady().then(async () => {
  await setupApi(isAppUrl)
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
