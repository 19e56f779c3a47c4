/**
 * A kernel scope for tests: records what cells print and display, names cells `cell-1`,
 * `cell-2`, ... like execution counts, and fakes the interrupt flag.
 */
import { createKernelScope } from '../execute-cell';
import type { ExecutionResult } from '../execute-cell';

export type TestKernel = {
  readonly output: { stdout: string; stderr: string; displays: unknown[] };
  /** Runs one cell as `cell-<n>`. */
  run(source: string): Promise<ExecutionResult>;
  /** Runs cells in order and fails loudly if one does not end 'ok'; returns the last result. */
  runAll(sources: readonly string[]): Promise<ExecutionResult>;
  /** The flag reads as set from the `checks`-th time the kernel looks at it (counted from now). */
  interruptAfterChecks(checks: number): void;
  clearInterrupt(): void;
  dispose(): void;
};

export function startTestKernel(): TestKernel {
  const output = { stdout: '', stderr: '', displays: [] as unknown[] };
  let checks = 0;
  let interruptAt = Number.POSITIVE_INFINITY;
  const scope = createKernelScope({
    onStream: (name, text) => {
      output[name] += text;
    },
    onDisplay: (value) => output.displays.push(value),
    isInterruptRequested: () => ++checks >= interruptAt,
  });
  let executionCount = 0;
  const run = (source: string): Promise<ExecutionResult> => scope.execute(source, `cell-${++executionCount}`);
  return {
    output,
    run,
    async runAll(sources) {
      let last: ExecutionResult = { status: 'ok', hasResult: false };
      for (const source of sources) {
        last = await run(source);
        if (last.status !== 'ok') {
          throw new Error(`cell ${JSON.stringify(source)} ended '${last.status}': ${JSON.stringify(last.error)}`);
        }
      }
      return last;
    },
    interruptAfterChecks(count) {
      checks = 0;
      interruptAt = count;
    },
    clearInterrupt() {
      interruptAt = Number.POSITIVE_INFINITY;
    },
    dispose: () => scope.dispose(),
  };
}
