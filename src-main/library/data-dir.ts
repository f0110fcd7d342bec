import envPaths from 'env-paths'

/** Environment variable that points the CLI (and web host) at a data directory. */
export const DATA_DIR_ENV = 'EB_DATA_DIR'

/**
 * The data directory: an explicit choice (the --data-dir flag, or Electron's userData folder) wins,
 * then EB_DATA_DIR, then the platform's app-data folder from env-paths.
 */
export function resolveDataDir(explicit?: string): string {
  if (explicit !== undefined && explicit !== '') return explicit
  const fromEnv = process.env[DATA_DIR_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  return envPaths('electric-beats', { suffix: '' }).data
}
