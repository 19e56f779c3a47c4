import { describe, expect, it } from 'vitest';
import { describeTensorLeak, detectTensorLeak } from './tensor-leaks';

describe('detectTensorLeak', () => {
  it.each([
    { previous: undefined, added: 5, leak: null, why: 'a first run may keep what it built' },
    { previous: 0, added: 5, leak: null, why: 'the previous run was clean' },
    { previous: 4, added: 0, leak: null, why: 'this run was clean' },
    { previous: 4, added: -2, leak: null, why: 'this run freed tensors' },
    { previous: 4, added: 4, leak: { tensorsPerRun: 4 }, why: 'two runs in a row added tensors' },
    { previous: 1, added: 3, leak: { tensorsPerRun: 3 }, why: 'the amount may vary between runs' },
  ])('$why', ({ previous, added, leak }) => {
    expect(detectTensorLeak(previous, added)).toEqual(leak);
  });

  it('explains the fix in the message', () => {
    expect(describeTensorLeak({ tensorsPerRun: 1 })).toContain('1 more tensor alive');
    expect(describeTensorLeak({ tensorsPerRun: 3 })).toMatch(/3 more tensors alive.*tf\.tidy/s);
  });
});
