/**
 * HTTP load with autocannon (its programmatic API), run in a child process of its own so the load
 * generator does not share an event loop with the bench or with the server under test. On a
 * 2-core machine the client still takes one core's worth of CPU: the servers under test get the
 * other, which is why the suite compares them under the same load rather than trusting absolute
 * numbers alone.
 *
 *   await loadTest({ url, method: 'POST', body, connections: 64, durationS: 10, warmupS: 2, expectBody })
 *
 * Resolves with { requestsPerSecond, p50Ms, p99Ms, ok, non2xx, errors, timeouts, mismatches, durationS }:
 * requestsPerSecond counts 2xx answers only, over the measured duration (the warm-up excluded);
 * with `expectBody`, every answer whose body differs from it counts as a mismatch.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** Runs one measurement in a fresh child process. */
export function loadTest(options) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let answered = false;
    child.stderr.setEncoding('utf8').on('data', (text) => (stderr += text));
    child.once('message', (message) => {
      answered = true;
      if (message.error) reject(new Error(`autocannon: ${message.error}`));
      else resolve(message.result);
    });
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`the autocannon process exited (${code}) without a result: ${stderr.slice(-1000)}`));
    });
    child.send(options);
  });
}

/** The figures the suite reports, from autocannon's result object. */
function summarise(result) {
  return {
    requestsPerSecond: Math.round(result['2xx'] / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    durationS: result.duration,
  };
}

async function runInChild({ url, method = 'GET', body, expectBody, connections, durationS, warmupS = 0 }) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url,
    method,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(expectBody === undefined ? {} : { expectBody }),
    connections,
    duration: durationS,
    ...(warmupS > 0 ? { warmup: { connections, duration: warmupS } } : {}),
  });
  return summarise(result);
}

if (process.argv[1] === SELF && process.argv.includes('--child')) {
  // The bench went away (killed, crashed): stop loading a server nobody measures.
  process.once('disconnect', () => process.exit(1));
  process.once('message', (options) => {
    runInChild(options).then(
      (result) => process.send({ result }, () => process.exit(0)),
      (error) => process.send({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
    );
  });
}
