/**
 * A kernel session: one worker's lifetime (a restart starts a new one). It holds a Web Lock named
 * after itself while alive, so any tab can tell whether a `running` run's session still exists:
 * if its lock is not held, the page was closed or the kernel restarted mid-run.
 */
const LOCK_PREFIX = 'kiln-kernel:';

export type KernelSession = { readonly id: string; end(): void };

export function startKernelSession(): KernelSession {
  const id = crypto.randomUUID();
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  void navigator.locks?.request(`${LOCK_PREFIX}${id}`, () => released).catch(() => undefined);
  return { id, end: () => release() };
}

/** Ids of the kernel sessions alive in any tab of this browser; null when that cannot be known. */
export async function aliveKernelSessions(): Promise<Set<string> | null> {
  if (!navigator.locks) return null;
  const { held = [] } = await navigator.locks.query();
  return new Set(held.flatMap((lock) => (lock.name?.startsWith(LOCK_PREFIX) ? [lock.name.slice(LOCK_PREFIX.length)] : [])));
}
