// CrashLoopBackOff timing: the first restart is immediate, then the kubelet waits 10 s, doubling
// up to 5 min, and forgets the history once a container has run for 10 min.
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
export const BACKOFF_RESET_MS = 600_000;

export interface Backoff {
  /** Consecutive crashes without a 10-minute run in between. */
  readonly crashes: number;
}

/** The wait before the next start, after a container that ran for `ranMs` exited. */
export function nextBackoff(b: Backoff, ranMs: number, scale = 1): { delayMs: number; next: Backoff } {
  const crashes = ranMs >= BACKOFF_RESET_MS * scale ? 0 : b.crashes;
  const delayMs = crashes === 0 ? 0 : Math.min(BACKOFF_INITIAL_MS * 2 ** (crashes - 1), BACKOFF_MAX_MS) * scale;
  return { delayMs, next: { crashes: crashes + 1 } };
}

/** Whether a container that exited with `exitCode` restarts under the pod's restartPolicy. */
export function shouldRestart(restartPolicy: string, exitCode: number): boolean {
  if (restartPolicy === 'Never') return false;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return true;
}
