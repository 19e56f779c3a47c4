/**
 * The ceiling for the serving suite: a bare node:http server that reads the request body,
 * JSON.parse's it and answers a fixed JSON. Whatever a model server does on top of this costs
 * throughput; no Node server can beat it on the same machine.
 *
 *   PORT=0 node bench/lib/bare-json-server.mjs    prints {"event":"listening","port":N}
 */
import { createServer } from 'node:http';

const ANSWER = JSON.stringify({ predictions: [[0.1, 0.2, 0.7]] });

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid JSON"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) }).end(ANSWER);
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: server.address().port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
