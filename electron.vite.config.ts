import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

/** Main and preload bundle from src-main / src-preload; the renderer is a Vue 3 app. */
export default defineConfig({
  main: {
    build: {
      // worker.js, texture-helper.js and replica-helper.js sit beside index.js: the job pool starts the
      // first from there (src-main/jobs/worker-entry.ts), a split texture render the second
      // (engine/style/texture-split.ts), data-parallel training the third (engine/train/data-parallel.ts).
      lib: {
        entry: {
          index: resolve(__dirname, 'src-main/index.ts'),
          worker: resolve(__dirname, 'src-main/jobs/worker.ts'),
          'texture-helper': resolve(__dirname, 'src-main/engine/style/texture-helper.ts'),
          'replica-helper': resolve(__dirname, 'src-main/engine/train/replica-helper.ts')
        }
      },
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
