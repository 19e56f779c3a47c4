/**
 * Holds back what a run command changes on screen (leaving edit mode, clearing the cell's
 * outputs, its `[*]` prompt) until the kernel's first reply, or one frame at most. A quick cell
 * (`1 + 1` answers in ~3 ms) then has its start and its end drawn in one frame: drawing the start
 * on its own costs a frame of style and layout work, which pushes the output into the frame after.
 *
 * Any key or pointer press releases the hold first (see useRunStartHoldRelease), so input that
 * follows a run command acts on the state the user expects: command mode, the next cell selected.
 */

/** About one frame: longer than a quick cell's reply, too short for anyone to see the wait. */
export const RUN_START_HOLD_MS = 16;

export class RunStartHold {
  private held: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private isOpen = false;

  get isHolding(): boolean {
    return this.isOpen;
  }

  /** Starts holding. A hold still open is released first: runs are drawn in the order asked for. */
  begin(): void {
    this.release();
    this.isOpen = true;
    this.timer = setTimeout(() => this.release(), RUN_START_HOLD_MS);
  }

  /** Runs `show` when the hold is released, or at once when nothing is held. */
  defer(show: () => void): void {
    if (this.isOpen) this.held.push(show);
    else show();
  }

  /** Shows everything held, in the order it was deferred; one that throws does not stop the rest. */
  release(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    clearTimeout(this.timer);
    const held = this.held;
    this.held = [];
    let failure: { error: unknown } | undefined;
    for (const show of held) {
      try {
        show();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
