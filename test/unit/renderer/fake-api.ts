import type { ElectricBeatsApi } from '../../../src-preload/api'

/** The methods a test answers; any other call fails the test. */
export type FakeApi = Partial<Record<keyof ElectricBeatsApi, (req?: never) => Promise<unknown>>>

/**
 * Puts an API on `window` that answers from `answers()` and records every call. useApi() keeps the
 * first API it finds, so a test file installs one for all its tests and changes the answers.
 */
export function installFakeApi(answers: () => FakeApi): { method: string; req: unknown }[] {
  const calls: { method: string; req: unknown }[] = []
  ;(globalThis as { window?: unknown }).window = {
    electricBeats: new Proxy({} as ElectricBeatsApi, {
      // `on(event, listener)` takes two arguments; every method takes one.
      get: (_t, method: string) => (req: never, second?: never) => {
        calls.push({ method, req })
        const f = answers()[method as keyof ElectricBeatsApi] as ((req: never, second?: never) => unknown) | undefined
        if (!f) throw new Error(`unexpected call ${method}`)
        return f(req, second)
      }
    })
  }
  return calls
}
