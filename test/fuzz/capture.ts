/*
 * Output capture in the child that runs cases: stdout and stderr writes (console.* included, since
 * Node routes them through these) are collected instead of printed, so the CLI's lines and any
 * decoder chatter can be counted per case. The child talks to its parent over IPC only.
 */

let out = ''
let err = ''

/** Redirects process.stdout and process.stderr into the capture buffers, for good. */
export function installCapture(): void {
  const sink = (which: 'out' | 'err') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const s = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      if (which === 'out') out += s
      else err += s
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
      done?.()
      return true
    }) as typeof process.stdout.write
  process.stdout.write = sink('out')
  process.stderr.write = sink('err')
}

/** What was written since the last call, and a fresh start. */
export function takeOutput(): { stdout: string; stderr: string } {
  const r = { stdout: out, stderr: err }
  out = ''
  err = ''
  return r
}

/** Non-empty lines of `s`, progress-bar lines left out (cli-progress writes `label [bar] N% ...`). */
export function userLines(s: string): string[] {
  return s
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^[\w -]+ \[.*\] \d+%/.test(l))
}
