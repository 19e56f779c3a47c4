/**
 * The HTTP server: MLflow's scoring protocol and the Open Inference Protocol (KServe V2) over
 * node:http, Prometheus metrics, production → fallback failover and graceful shutdown.
 *
 * It listens at once (liveness answers while the model loads) and turns ready when a version has
 * loaded and passed its test vectors. Routes are exact paths in a Map, built once the manifest
 * names the model; per request the hot path parses JSON, checks field names, queues rows for the
 * micro-batcher and writes the answer as text.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InputFeature, RawRow, RowProblem, TransformPolicy } from '../../preprocess';
import { loadArtifact, readManifest, type LoadedArtifact, type VersionLoad } from './artifact-loader';
import type { InputPolicy, ServerConfig } from './config';
import { FieldGuard } from './field-guard';
import { readJsonBody } from './http-body';
import type { ArtifactManifest } from './manifest';
import { MicroBatcher, QueueFullError } from './micro-batcher';
import { parseMlflowRows } from './mlflow-request';
import { PROMETHEUS_CONTENT_TYPE } from './metrics';
import { RequestError, badRequest } from './request-error';
import { errorBody, mlflowPredictions, servedHeaders, v2InferResponse, type ErrorProtocol } from './responses';
import { ServerMetrics, type RouteStats } from './server-metrics';
import { createBatchPredictor, type BatchOutcome, type Candidate, type ServingVersion } from './serving';
import { loadTensorflow } from './tf-model';
import { parseV2Request } from './v2-request';

export const SERVER_NAME = 'kiln-model-server';
const JSON_TYPE = 'application/json';

export type Log = (event: string, fields?: Record<string, unknown>) => void;

export type AppOptions = { config: ServerConfig; artifactDir: string; log: Log };

export type ServerApp = {
  /** Resolves once the server listens; `port` is then the bound port (PORT=0 picks a free one). */
  listening: Promise<number>;
  /** Resolves when a version serves, or rejects when none can. */
  ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish, and resolves with the exit code (1 when the deadline cut them off). */
  close(): Promise<number>;
};

const POLICIES: Readonly<Record<InputPolicy, TransformPolicy>> = {
  strict: { onUnknownCategory: 'error', onOutOfRange: 'error' },
  lenient: {},
};

/** Everything a request for one version (or for "whatever serves") needs, built once. */
type Target = {
  batcher: MicroBatcher<RawRow, BatchOutcome>;
  guard: FieldGuard;
  features: ReadonlyMap<string, InputFeature>;
  outputName: string;
};

type Handler = (request: IncomingMessage, response: ServerResponse, route: Route, started: number) => void;

type Route = { stats: RouteStats; protocol: ErrorProtocol; get?: Handler; post?: Handler };

function problemError(problem: RowProblem, firstRow: number): RequestError {
  const row = problem.row - firstRow;
  const field = problem.field ?? '(row)';
  return badRequest(`row ${row}, feature "${field}": expected ${problem.expected}, got ${problem.got}`, { field, expected: problem.expected, got: problem.got, row });
}

/** The first refused row of this request's slice of the batch, if any (problems are sorted by row). */
function problemIn(problems: readonly RowProblem[] | null, firstRow: number, rows: number): RowProblem | undefined {
  return problems?.find((problem) => problem.row >= firstRow && problem.row < firstRow + rows);
}

export function startServer({ config, artifactDir, log }: AppOptions): ServerApp {
  const metrics = new ServerMetrics();
  const policy = POLICIES[config.inputPolicy];
  const startedAt = performance.now();
  let manifest: ArtifactManifest | null = null;
  let primary: Candidate | null = null;
  let auto: Target | null = null;
  const pinned = new Map<number, Target>();
  const servingVersions = new Map<number, ServingVersion>();
  const versionOf = (version: number) => servingVersions.get(version) ?? null;
  let notReadyReason = 'the model is loading';
  let isDraining = false;
  const modelRoutes = new Map<string, Route>();

  function send(response: ServerResponse, route: Route, started: number, status: number, contentType: string, body: string, headers: readonly string[] = []): void {
    route.stats.record(status, (performance.now() - started) / 1000);
    if (response.headersSent || response.destroyed) return;
    const head = ['content-type', contentType, 'content-length', String(Buffer.byteLength(body)), ...headers];
    if (isDraining) head.push('connection', 'close');
    response.writeHead(status, head);
    response.end(body);
  }

  function sendError(response: ServerResponse, route: Route, started: number, error: unknown): void {
    const known = error instanceof RequestError ? error : new RequestError(500, 'INTERNAL_ERROR', `the server failed: ${error instanceof Error ? error.message : String(error)}`);
    if (known.status >= 500) log('request-failed', { error: known.message });
    send(response, route, started, known.status, JSON_TYPE, errorBody(known, route.protocol), known.headers);
  }

  function notReady(): RequestError {
    return new RequestError(503, 'NOT_READY', `not ready: ${notReadyReason}`, {}, ['retry-after', '1']);
  }

  /** Queues rows on `target` and answers through `write` when their batch is predicted. */
  function predict(response: ServerResponse, route: Route, started: number, target: Target, rows: readonly RawRow[], write: (outcome: BatchOutcome, firstRow: number) => string): void {
    if (rows.length > config.maxQueueRows) {
      throw new RequestError(413, 'REQUEST_TOO_LARGE', `${rows.length} rows is more than the server queues at once (${config.maxQueueRows}, KILN_MAX_QUEUE_ROWS); split the request`, { expected: `at most ${config.maxQueueRows} rows`, got: `${rows.length} rows` });
    }
    try {
      target.batcher.enqueue(rows, (error, outcome, firstRow) => {
        if (error || !outcome) return sendError(response, route, started, error);
        const problem = problemIn(outcome.problems, firstRow, rows.length);
        if (problem) return sendError(response, route, started, problemError(problem, firstRow));
        send(response, route, started, 200, JSON_TYPE, write(outcome, firstRow), servedHeaders(outcome.served.version, outcome.role));
      });
    } catch (error) {
      if (error instanceof QueueFullError) throw new RequestError(503, 'OVERLOADED', error.message, {}, ['retry-after', '1']);
      throw error;
    }
  }

  /** A POST handler that reads the JSON body first; anything it throws becomes the error answer. */
  function withBody(handle: (body: unknown, response: ServerResponse, route: Route, started: number) => void): Handler {
    return (request, response, route, started) => {
      readJsonBody(request, config.maxBodyBytes, (error, body) => {
        if (error) return sendError(response, route, started, error);
        try {
          handle(body, response, route, started);
        } catch (thrown) {
          sendError(response, route, started, thrown);
        }
      });
    };
  }

  const invocations = withBody((body, response, route, started) => {
    if (!auto) throw notReady();
    const target = auto;
    const rows = parseMlflowRows(body, target.guard);
    predict(response, route, started, target, rows, (outcome, firstRow) => mlflowPredictions(outcome, firstRow, rows.length));
  });

  function v2Infer(targetOf: () => Target | null): Handler {
    return withBody((body, response, route, started) => {
      const target = targetOf();
      if (!target || !manifest) throw notReady();
      const name = manifest.servingName;
      const request = parseV2Request(body, target.features, target.guard, target.outputName);
      predict(response, route, started, target, request.rows, (outcome, firstRow) => v2InferResponse(outcome, firstRow, request.rows.length, name, request.id));
    });
  }

  const json =
    (status: () => number, body: () => unknown): Handler =>
    (_request, response, route, started) =>
      send(response, route, started, status(), JSON_TYPE, JSON.stringify(body()));

  const isReady = () => auto !== null && !isDraining;
  const readyStatus = () => (isReady() ? 200 : 503);

  function route(name: string, protocol: ErrorProtocol, handlers: Pick<Route, 'get' | 'post'>): Route {
    return { stats: metrics.route(name), protocol, ...handlers };
  }

  const health: Handler = (_request, response, route, started) => send(response, route, started, readyStatus(), 'text/plain; charset=utf-8', isReady() ? '\n' : `${notReadyReason}\n`);

  const versionInfo = () => ({
    server: SERVER_NAME,
    name: manifest?.name ?? null,
    servingName: manifest?.servingName ?? null,
    production: manifest?.production ?? null,
    fallback: manifest?.fallback ?? null,
    serving: primary ? { version: primary.served.version, role: primary.role } : null,
    tfjsVersion: manifest?.tfjsVersion ?? null,
  });

  const routes = new Map<string, Route>([
    ['/invocations', route('invocations', 'mlflow', { post: invocations })],
    ['/ping', route('ping', 'mlflow', { get: health })],
    ['/health', route('health', 'mlflow', { get: health })],
    ['/version', route('version', 'mlflow', { get: json(() => 200, versionInfo) })],
    ['/metrics', route('metrics', 'mlflow', { get: (_request, response, route, started) => send(response, route, started, 200, PROMETHEUS_CONTENT_TYPE, metrics.render(waitingRows())) })],
    ['/v2', route('v2_server', 'v2', { get: json(() => 200, () => ({ name: SERVER_NAME, version: '1', extensions: [] })) })],
    ['/v2/health/live', route('v2_live', 'v2', { get: json(() => 200, () => ({ live: true })) })],
    ['/v2/health/ready', route('v2_ready', 'v2', { get: json(readyStatus, () => ({ ready: isReady() })) })],
  ]);
  const notFound = route('not_found', 'v2', {});

  function waitingRows(): number {
    let rows = auto?.batcher.waitingRows ?? 0;
    for (const target of pinned.values()) rows += target.batcher.waitingRows;
    return rows;
  }

  function modelMetadata(version: ServingVersion | null) {
    const served = version ?? primary?.served;
    if (!manifest || !served) throw notReady();
    return {
      name: manifest.servingName,
      versions: manifest.versions.map((entry) => String(entry.version)),
      platform: 'tensorflowjs',
      inputs: served.pipeline.inputs.map((input) => ({ name: input.name, datatype: input.dtype === 'number' ? 'FP32' : 'BYTES', shape: [-1] })),
      outputs: served.signature.outputs.map((output) => ({ name: output.name, datatype: 'FP32', shape: [-1, served.model.outputWidth] })),
      parameters: { version: String(served.version), production: manifest.production, fallback: manifest.fallback, labels: served.signature.outputs[0]?.labels ?? null },
    };
  }

  /** /v2/models/{name}[/versions/{v}][/ready|/infer], once the manifest names the model. */
  function addModelRoutes(named: ArtifactManifest): void {
    const base = `/v2/models/${named.servingName}`;
    modelRoutes.set(base, route('v2_model', 'v2', { get: json(() => 200, () => modelMetadata(null)) }));
    modelRoutes.set(`${base}/ready`, route('v2_model_ready', 'v2', { get: json(readyStatus, () => ({ name: named.servingName, ready: isReady() })) }));
    modelRoutes.set(`${base}/infer`, route('v2_infer', 'v2', { post: v2Infer(() => auto) }));
    for (const entry of named.versions) {
      const versioned = `${base}/versions/${entry.version}`;
      const pinnedReady = () => pinned.has(entry.version) && !isDraining;
      const whyNot = () => `version ${entry.version} is not loaded (only production and fallback are; see /version)`;
      modelRoutes.set(versioned, route('v2_model_version', 'v2', {
        get: (request, response, route, started) => {
          const target = pinned.get(entry.version);
          if (!target) return sendError(response, route, started, new RequestError(404, 'NOT_FOUND', whyNot()));
          json(() => 200, () => modelMetadata(versionOf(entry.version)))(request, response, route, started);
        },
      }));
      modelRoutes.set(`${versioned}/ready`, route('v2_model_version_ready', 'v2', { get: json(() => (pinnedReady() ? 200 : 503), () => ({ name: named.servingName, version: String(entry.version), ready: pinnedReady() })) }));
      modelRoutes.set(`${versioned}/infer`, route('v2_infer_version', 'v2', { post: v2Infer(() => pinned.get(entry.version) ?? null) }));
    }
  }

  function targetFor(primaryCandidate: Candidate, fallback: Candidate | null): Target {
    const served = primaryCandidate.served;
    const predictor = createBatchPredictor(primaryCandidate, fallback, policy, {
      onPredictFailure: (version, error) => {
        metrics.predictFailed(version);
        log('predict-failed', { version: version.version, error: error instanceof Error ? error.message : String(error) });
      },
      onPredicted: (outcome, rows) => metrics.predicted(outcome.served, outcome.role, rows),
    });
    return {
      batcher: new MicroBatcher(predictor, { maxBatchRows: config.maxBatchRows, maxQueueRows: config.maxQueueRows }),
      guard: new FieldGuard(served.pipeline),
      features: new Map(served.pipeline.inputs.map((input) => [input.name, input])),
      outputName: served.signature.outputs[0]?.name ?? 'output',
    };
  }

  function serve(loaded: LoadedArtifact): void {
    const loads = [loaded.production, loaded.fallback].filter((load): load is VersionLoad => load !== null);
    for (const load of loads) {
      metrics.modelLoaded(load.version, load.role, load.isLoaded);
      if (load.isLoaded) {
        servingVersions.set(load.version, load.serving);
        pinned.set(load.version, targetFor({ served: load.serving, role: load.role }, null));
        log('version-loaded', { version: load.version, role: load.role });
      } else log('version-failed', { version: load.version, role: load.role, error: load.error });
    }
    const candidates = loads.flatMap((load) => (load.isLoaded ? [{ served: load.serving, role: load.role }] : []));
    const [first, second] = candidates;
    if (!first) {
      notReadyReason = `no version could load: ${loads.flatMap((load) => (load.isLoaded ? [] : [`v${load.version} (${load.role}): ${load.error}`])).join('; ')}`;
      throw new Error(notReadyReason);
    }
    primary = first;
    auto = targetFor(first, second ?? null);
    metrics.watchDrift(first.served.reference, config.driftWindowRows);
    log('ready', { serving: first.served.version, role: first.role, fallback: second?.served.version ?? null, startupMs: Math.round(performance.now() - startedAt) });
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const started = performance.now();
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const found = routes.get(path) ?? modelRoutes.get(path);
    const route = found ?? notFound;
    const handler = request.method === 'POST' ? route.post : request.method === 'GET' || request.method === 'HEAD' ? route.get : undefined;
    try {
      if (!found) {
        const isModelPath = path.startsWith('/v2/models/');
        if (isModelPath && !manifest) throw notReady();
        const known = manifest ? ` This server serves "${manifest.servingName}" at /v2/models/${manifest.servingName}.` : '';
        throw new RequestError(404, 'NOT_FOUND', `no route ${path}.${isModelPath ? known : ' See README.md for the endpoints.'}`);
      }
      if (!handler) {
        const allowed = [route.get && 'GET', route.post && 'POST'].filter(Boolean).join(', ');
        throw new RequestError(405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${allowed}`, {}, ['allow', allowed]);
      }
      handler(request, response, route, started);
    } catch (error) {
      request.resume();
      sendError(response, route, started, error);
    }
  }

  const server: Server = createServer({ keepAliveTimeout: 65_000 }, handle);
  const listening = new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      const { port } = server.address() as AddressInfo;
      log('listening', { port });
      resolve(port);
    });
  });

  const ready = (async () => {
    const [named, tf] = await Promise.all([readManifest(artifactDir), loadTensorflow()]);
    manifest = named;
    addModelRoutes(named);
    serve(await loadArtifact(tf, artifactDir, named));
  })();
  ready.catch((error: unknown) => {
    if (notReadyReason === 'the model is loading') notReadyReason = error instanceof Error ? error.message : String(error);
    log('not-ready', { reason: notReadyReason });
  });

  let closing: Promise<number> | null = null;
  function close(): Promise<number> {
    closing ??= new Promise<number>((resolve) => {
      isDraining = true;
      notReadyReason = 'the server is shutting down';
      log('shutting-down', {});
      const deadline = setTimeout(() => {
        log('shutdown-deadline', { timeoutMs: config.shutdownTimeoutMs });
        server.closeAllConnections();
        resolve(1);
      }, config.shutdownTimeoutMs);
      server.close(() => {
        clearTimeout(deadline);
        log('stopped', {});
        resolve(0);
      });
      server.closeIdleConnections();
    });
    return closing;
  }

  return { listening, ready, close };
}
