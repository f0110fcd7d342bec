import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

/** Main and preload bundle from src-main / src-preload; the renderer is a Vue 3 app. */
export default defineConfig({
  main: {
    build: {
      lib: { entry: resolve(__dirname, 'src-main/index.ts') },
      rollupOptions: {
        external: [
          'better-sqlite3',
          '@tensorflow/tfjs-node',
          '@tensorflow/tfjs-node-gpu',
          '@tensorflow/tfjs-backend-wasm'
        ]
      }
    }
  },
  preload: {
    build: {
      lib: { entry: resolve(__dirname, 'src-preload/index.ts') },
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') }
    },
    plugins: [vue()]
  }
})
