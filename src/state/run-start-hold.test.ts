import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RUN_START_HOLD_MS, RunStartHold } from './run-start-hold';

describe('RunStartHold', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows at once what is deferred while nothing is held', () => {
    const hold = new RunStartHold();
    const shown: string[] = [];
    hold.defer(() => shown.push('outputs cleared'));
    expect(shown).toEqual(['outputs cleared']);
    expect(hold.isHolding).toBe(false);
  });

  it('holds what is deferred until released, then shows it in order, once', () => {
    const hold = new RunStartHold();
    const shown: string[] = [];
    hold.begin();
    hold.defer(() => shown.push('outputs cleared'));
    hold.defer(() => shown.push('command mode'));
    expect(shown).toEqual([]);
    hold.release();
    expect(shown).toEqual(['outputs cleared', 'command mode']);
    hold.release();
    vi.advanceTimersByTime(RUN_START_HOLD_MS);
    expect(shown).toEqual(['outputs cleared', 'command mode']);
  });

  it('lets go by itself after one frame when no reply comes', () => {
    const hold = new RunStartHold();
    const shown: string[] = [];
    hold.begin();
    hold.defer(() => shown.push('[*]'));
    vi.advanceTimersByTime(RUN_START_HOLD_MS - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual(['[*]']);
    expect(hold.isHolding).toBe(false);
  });

  it('shows everything held even when one update throws, then reports the error', () => {
    const hold = new RunStartHold();
    const shown: string[] = [];
    hold.begin();
    hold.defer(() => {
      throw new Error('outputs could not be cleared');
    });
    hold.defer(() => shown.push('command mode'));
    expect(() => hold.release()).toThrow('outputs could not be cleared');
    expect(shown).toEqual(['command mode']);
    expect(hold.isHolding).toBe(false);
  });

  it('shows an earlier hold before starting a new one, so runs are drawn in the order asked for', () => {
    const hold = new RunStartHold();
    const shown: string[] = [];
    hold.begin();
    hold.defer(() => shown.push('first run'));
    hold.begin();
    expect(shown).toEqual(['first run']);
    hold.defer(() => shown.push('second run'));
    expect(shown).toEqual(['first run']);
    vi.advanceTimersByTime(RUN_START_HOLD_MS);
    expect(shown).toEqual(['first run', 'second run']);
  });
});
