/**
 * HTTP servers run as child processes for the serving suite: started with PORT=0, their port read
 * from the line they print when listening, and stopped (SIGTERM, then SIGKILL) when the suite ends,
 * fails or the bench process itself exits, so no server outlives the bench.
 */
import { spawn } from 'node:child_process';

const running = new Set();

const killAll = () => {
  for (const child of running) child.kill('SIGKILL');
};
// A crash or an early process.exit() skips the suite's finally blocks: kill what is left.
process.once('exit', killAll);
// So does Ctrl+C: kill the servers, then die of the signal as the bench would have.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

const STOP_GRACE_MS = 5_000;

/**
 * Spawns `node script` in `cwd` and resolves once it prints a line matching `portPattern` (its
 * first group is the port). Rejects if it exits first or stays silent for `timeout` ms.
 * @returns {Promise<{port: number, url: string, startedAt: number, child: import('node:child_process').ChildProcess, logs: string[], stop(): Promise<number | null>}>}
 */
export function startChildServer({ script, args = [], cwd, env = {}, portPattern, timeout = 30_000 }) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const logs = [];
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  void exited.then(() => running.delete(child));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  const port = new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`${script} printed no port within ${timeout} ms: ${logs.join('').slice(-2000)}`)), timeout);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      logs.push(text);
      buffered += text;
      const match = portPattern.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text) => logs.push(text));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening: ${logs.join('').slice(-2000)}`));
    });
  });

  return port.then(
    (bound) => ({ port: bound, url: `http://127.0.0.1:${bound}`, startedAt, child, logs, stop }),
    async (error) => {
      await stop();
      throw error;
    },
  );
}
