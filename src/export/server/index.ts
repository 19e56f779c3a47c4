/**
 * Entry point: `node server/index.js` from the artifact's root (npm start). Settings come from
 * the environment (see config.ts and the artifact's README); the artifact is this file's parent
 * folder, wherever the process was started from.
 */
import { fileURLToPath } from 'node:url';
import { startServer, type Log } from './app';
import { readConfig, type ServerConfig } from './config';

/** One JSON line per event on stdout: what container logs and log collectors read best. */
const log: Log = (event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
};

let config: ServerConfig;
try {
  config = readConfig(process.env);
} catch (error) {
  process.stderr.write(`kiln-model-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

const app = startServer({ config, artifactDir: fileURLToPath(new URL('..', import.meta.url)), log });
app.listening.catch((error: unknown) => {
  process.stderr.write(`kiln-model-server: cannot listen on ${config.host}:${config.port}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

const stop = () => {
  void app.close().then((code) => process.exit(code));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
