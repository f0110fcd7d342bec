/**
 * The small disks and read-only folders the fault suite (and its regression tests) hand the code:
 * a tmpfs of a given size, a read-only bind mount. Both need root (CAP_SYS_ADMIN); where mounting is
 * not allowed (CI containers, a user account) they return false and the case counts as skipped.
 */
import { execFileSync } from 'node:child_process'

/** Mounts a tmpfs of about `bytes` (whole 4 KiB pages) at the existing folder `dir`; false where not allowed. */
export function mountTmpfs(dir: string, bytes: number): boolean {
  return tryRun('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4}k`, 'tmpfs', dir])
}

/** Shows `source` at the existing folder `dir`, read-only (root ignores permission bits, not a ro mount); false where not allowed. */
export function mountReadOnly(source: string, dir: string): boolean {
  if (!tryRun('mount', ['--bind', source, dir])) return false
  if (tryRun('mount', ['-o', 'remount,bind,ro', dir])) return true
  unmount(dir)
  return false
}

/** Unmounts `dir` (nothing happens when nothing is mounted there). */
export function unmount(dir: string): void {
  tryRun('umount', [dir])
}

function tryRun(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}
