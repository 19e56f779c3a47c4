/**
 * One tab at a time may write a notebook. Ownership is a Web Lock named after the notebook: the
 * first tab holds it; a second tab opens the notebook read-only and may take it over, which
 * steals the lock and tells the first tab (its request rejects) that it is now read-only.
 */
export type HeldLock = { release(): void };

export async function acquireNotebookLock(
  notebookId: string,
  options: { steal: boolean; onLost: () => void },
): Promise<HeldLock | null> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // Without the Web Locks API (very old browsers) every tab writes; revision checks still catch conflicts.
  if (!locks) return { release() {} };
  return new Promise((resolveAcquired) => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const lockOptions: LockOptions = options.steal ? { steal: true } : { ifAvailable: true };
    locks
      .request(`kiln-notebook:${notebookId}`, lockOptions, async (lock) => {
        if (!lock) {
          resolveAcquired(null);
          return;
        }
        resolveAcquired({ release });
        await released;
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') options.onLost();
        else resolveAcquired(null);
      });
  });
}
