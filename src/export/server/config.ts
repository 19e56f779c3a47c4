/** The server's settings, from environment variables so a container or a pod spec can set them. */

export type InputPolicy = 'strict' | 'lenient';

export type ServerConfig = {
  port: number;
  host: string;
  /** Larger bodies are refused with 413 before they are parsed. */
  maxBodyBytes: number;
  /** A model call takes at most this many rows from the queue (a bigger single request goes alone). */
  maxBatchRows: number;
  /** Rows waiting for the model beyond this are refused with 503, so overload sheds instead of queueing. */
  maxQueueRows: number;
  /** How many recent input rows the drift monitor compares with the training data. */
  driftWindowRows: number;
  /** After SIGTERM, in-flight requests get this long before the process gives up on them. */
  shutdownTimeoutMs: number;
  /** strict: unseen categories and values outside the training range are refused (400); lenient: encoded as the pipeline does in training. */
  inputPolicy: InputPolicy;
};

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integerSetting(env: Env, variable: string, fallback: number, min: number, max: number): number {
  const text = env[variable];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(variable, `expected an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

export function readConfig(env: Env): ServerConfig {
  const policy = env.KILN_INPUT_POLICY?.trim() || 'strict';
  if (policy !== 'strict' && policy !== 'lenient') throw new ConfigError('KILN_INPUT_POLICY', `expected "strict" or "lenient", got "${policy}"`);
  return {
    port: integerSetting(env, 'PORT', 8080, 0, 65_535),
    host: env.HOST?.trim() || '0.0.0.0',
    maxBodyBytes: integerSetting(env, 'KILN_MAX_BODY_BYTES', 4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxBatchRows: integerSetting(env, 'KILN_MAX_BATCH_ROWS', 256, 1, 1_000_000),
    maxQueueRows: integerSetting(env, 'KILN_MAX_QUEUE_ROWS', 16_384, 1, 10_000_000),
    driftWindowRows: integerSetting(env, 'KILN_DRIFT_WINDOW_ROWS', 1000, 10, 10_000_000),
    shutdownTimeoutMs: integerSetting(env, 'KILN_SHUTDOWN_TIMEOUT_MS', 10_000, 0, 3_600_000),
    inputPolicy: policy,
  };
}
