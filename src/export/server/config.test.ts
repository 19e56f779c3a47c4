import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config';

describe('readConfig', () => {
  it('has defaults for every setting', () => {
    expect(readConfig({})).toEqual({ port: 8080, host: '0.0.0.0', maxBodyBytes: 4_194_304, maxBatchRows: 256, maxQueueRows: 16_384, driftWindowRows: 1000, shutdownTimeoutMs: 10_000, inputPolicy: 'strict' });
  });

  it('reads the environment', () => {
    const env = { PORT: '0', HOST: '127.0.0.1', KILN_MAX_BODY_BYTES: '2048', KILN_MAX_BATCH_ROWS: '32', KILN_MAX_QUEUE_ROWS: '64', KILN_DRIFT_WINDOW_ROWS: '500', KILN_SHUTDOWN_TIMEOUT_MS: '0', KILN_INPUT_POLICY: 'lenient' };
    expect(readConfig(env)).toEqual({ port: 0, host: '127.0.0.1', maxBodyBytes: 2048, maxBatchRows: 32, maxQueueRows: 64, driftWindowRows: 500, shutdownTimeoutMs: 0, inputPolicy: 'lenient' });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected an integer from 0 to 65535, got "eighty"'],
    [{ PORT: '70000' }, 'PORT: expected an integer from 0 to 65535'],
    [{ KILN_MAX_BATCH_ROWS: '1.5' }, 'KILN_MAX_BATCH_ROWS: expected an integer'],
    [{ KILN_INPUT_POLICY: 'loose' }, 'KILN_INPUT_POLICY: expected "strict" or "lenient", got "loose"'],
  ])('names the variable that is wrong: %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});
