/** The artifact's README.md: how to run, call, monitor, deploy and roll back this model. */
import type { InputFeature } from '../preprocess';
import { imageOf, SERVER_PORT } from './artifact-deploy';
import type { ArtifactManifest, JsonValue } from './server/manifest';

export type ReadmeFacts = {
  manifest: ArtifactManifest;
  rootFolder: string;
  inputs: readonly InputFeature[];
  /** One input row to show in the examples (a test vector). */
  exampleRow: Readonly<Record<string, JsonValue>>;
  outputWidth: number;
};

function featureLine(input: InputFeature): string {
  const accepts =
    input.dtype === 'number'
      ? `number${input.range ? ` (training range ${input.range.min} to ${input.range.max})` : ''}`
      : `category: ${(input.categories ?? []).map((category) => `\`${category}\``).join(', ')}`;
  return `| \`${input.name}\` | ${accepts} | ${input.nullable ? 'yes (filled in)' : 'no'} |`;
}

/** Single-quoted for sh, so a category such as "O'Hare" cannot end the quoted body early. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function v2Tensor(input: InputFeature, value: JsonValue | undefined): string {
  const datatype = input.dtype === 'number' ? 'FP64' : 'BYTES';
  return `{"name": ${JSON.stringify(input.name)}, "shape": [1], "datatype": "${datatype}", "data": [${JSON.stringify(value ?? null)}]}`;
}

export function artifactReadme({ manifest, rootFolder, inputs, exampleRow, outputWidth }: ReadmeFacts): string {
  const name = manifest.servingName;
  const production = manifest.versions.find((entry) => entry.version === manifest.production);
  const output = production?.signature.outputs[0];
  const columns = inputs.map((input) => input.name);
  const values = columns.map((column) => exampleRow[column] ?? null);
  const split = JSON.stringify({ dataframe_split: { columns, data: [values] } });
  const records = JSON.stringify({ dataframe_records: [Object.fromEntries(columns.map((column, index) => [column, values[index]]))] });
  const v2 = `{"inputs": [\n    ${inputs.map((input) => v2Tensor(input, exampleRow[input.name])).join(',\n    ')}\n  ]}`;
  const versions = manifest.versions
    .map((entry) => `| v${entry.version} | ${entry.version === manifest.production ? 'production' : entry.version === manifest.fallback ? 'fallback' : '—'} | \`${entry.runId}\` | ${Object.entries(entry.metrics).map(([metric, value]) => `${metric} ${value}`).join(', ')} |`)
    .join('\n');

  return `# ${manifest.name} — model server

Exported from Kiln on ${manifest.created}. Production is **v${manifest.production}**${manifest.fallback === null ? ' (no fallback)' : `, fallback **v${manifest.fallback}**`}.
A self-contained Node server (TensorFlow.js ${manifest.tfjsVersion} on its WebAssembly backend) that
answers MLflow's scoring protocol and the Open Inference Protocol (KServe V2).

| version | role | run | metrics |
| --- | --- | --- | --- |
${versions}

## Run it

Node 20 or later:

\`\`\`sh
npm install && npm start        # listens on $PORT, default ${SERVER_PORT}
npm test                        # the notebook's test vectors and the protocols, against this copy
\`\`\`

With Docker:

\`\`\`sh
docker build -t ${imageOf({ servingName: name, production: manifest.production })} .
docker run --rm -p ${SERVER_PORT}:${SERVER_PORT} ${imageOf({ servingName: name, production: manifest.production })}
\`\`\`

The server is ready (\`GET /v2/health/ready\` answers 200) within about a second of starting.

## Inputs

One value per raw feature; the preprocessing fitted in the notebook (\`models/v<N>/preprocess.json\`)
is applied by the server, so send raw values, not scaled or one-hot ones.

| feature | value | may be null |
| --- | --- | --- |
${inputs.map(featureLine).join('\n')}

By default (\`KILN_INPUT_POLICY=strict\`) a category outside the list or a number outside the
training range is refused with 400; \`KILN_INPUT_POLICY=lenient\` encodes them the way training
would (unseen category → all zeros, numbers scaled as usual). Extra fields are refused, except
the columns the pipeline drops.

The output \`${output?.name ?? 'output'}\` (${output?.meaning ?? 'model output'}) has ${outputWidth} value${outputWidth === 1 ? '' : 's'} per row${output?.labels ? `: ${output.labels.map((label) => `\`${label}\``).join(', ')}` : ''}.

## Call it

MLflow scoring protocol (\`dataframe_split\`, \`dataframe_records\`, \`instances\` or \`inputs\`):

\`\`\`sh
curl -s localhost:${SERVER_PORT}/invocations -H 'content-type: application/json' \\
  -d ${shellQuoted(split)}
curl -s localhost:${SERVER_PORT}/invocations -H 'content-type: application/json' \\
  -d ${shellQuoted(records)}
\`\`\`

answers \`{"predictions": [...], "model_version": "${manifest.production}", "fallback": false}\`: one ${outputWidth === 1 ? 'number' : 'array'} per row.

Open Inference Protocol (KServe V2), one tensor per feature (BYTES for categories):

\`\`\`sh
curl -s localhost:${SERVER_PORT}/v2/models/${name}/infer -H 'content-type: application/json' -d ${shellQuoted(`
  ${v2}`)}
\`\`\`

answers \`{"model_name": "${name}", "model_version": "${manifest.production}", "outputs": [{"name": "${output?.name ?? 'output'}", "shape": [1, ${outputWidth}], "datatype": "FP32", "data": [...]}]}\`.
\`/v2/models/${name}/versions/<N>/infer\` asks a loaded version (production or fallback) by number.

| endpoint | what |
| --- | --- |
| \`POST /invocations\` | MLflow predictions |
| \`GET /ping\`, \`GET /health\` | 200 when ready (MLflow) |
| \`GET /version\` | model, versions, which one serves |
| \`POST /v2/models/${name}/infer\` | V2 predictions |
| \`GET /v2/health/live\`, \`GET /v2/health/ready\` | liveness, readiness |
| \`GET /v2/models/${name}\`, \`GET /v2/models/${name}/ready\` | V2 model metadata and readiness |
| \`GET /metrics\` | Prometheus metrics |

Bad input gets a 400 whose JSON names the field, what was expected and what came
(\`{"error_code": "BAD_REQUEST", "message": ..., "field": ..., "expected": ..., "got": ..., "row": ...}\`;
V2 routes answer \`{"error": ...}\` with the same fields). A body over \`KILN_MAX_BODY_BYTES\` gets 413;
when more rows wait than \`KILN_MAX_QUEUE_ROWS\` the server answers 503 with \`Retry-After\`.

## Settings

| variable | default | |
| --- | --- | --- |
| \`PORT\` | ${SERVER_PORT} | port to listen on (0 picks a free one) |
| \`HOST\` | 0.0.0.0 | address to listen on |
| \`KILN_INPUT_POLICY\` | strict | strict or lenient, see Inputs |
| \`KILN_MAX_BODY_BYTES\` | 4194304 | larger bodies get 413 |
| \`KILN_MAX_BATCH_ROWS\` | 256 | most rows per model call |
| \`KILN_MAX_QUEUE_ROWS\` | 16384 | rows waiting beyond this get 503 |
| \`KILN_DRIFT_WINDOW_ROWS\` | 1000 | recent rows the drift monitor compares with training |
| \`KILN_SHUTDOWN_TIMEOUT_MS\` | 10000 | after SIGTERM, how long in-flight requests may take |

Concurrent requests are coalesced into one model call (micro-batching): a call costs about the
same for one row as for dozens. On SIGTERM the server stops accepting connections, answers what
it has and exits 0.

## Monitor

\`GET /metrics\` (Prometheus text format):

- \`kiln_http_requests_total{route,status}\`, \`kiln_http_request_duration_seconds{route}\` (histogram)
- \`kiln_batch_rows\` (histogram of rows per model call), \`kiln_queue_rows\`
- \`kiln_predicted_rows_total{version,role}\`, \`kiln_model_serving_version\`, \`kiln_model_fallback_active\`,
  \`kiln_model_loaded{version,role}\`, \`kiln_model_failures_total{version,stage}\`
- \`kiln_feature_drift_psi{feature}\` and \`kiln_feature_drift_level{feature}\`: population stability index
  of each raw feature over the last \`KILN_DRIFT_WINDOW_ROWS\` inputs against the training data
  (\`models/v<N>/reference-stats.json\`); below 0.1 no drift, 0.1–0.25 moderate, 0.25 and more significant
- \`kiln_drift_detected\`: 1 when a feature drifts significantly (once the window holds 100 rows or more).
  Alert on it; it usually means the model should be retrained on recent data.

Logs are JSON lines on stdout (start-up, versions loaded or refused, fallbacks, shutdown).

## Fallback and roll back

At start-up each version must load and reproduce its test vectors (\`models/v<N>/test-vectors.json\`).
If production fails that, or later throws or answers NaN while predicting, the fallback version
answers instead; such responses carry \`x-kiln-model-version: <fallback>\` and
\`x-kiln-model-role: fallback\` headers and \`"fallback": true\`, and the metrics count them.

To roll back, edit \`manifest.json\`: set \`"production"\` to the version to serve and
\`"fallback"\` to another listed version (or \`null\`), then restart (or rebuild the image).
Or promote another version in Kiln's registry and export again.

## Layout

\`\`\`
${rootFolder}/
  manifest.json           versions, production and fallback, signatures, runs and metrics
  models/v<N>/            model.json + weights.bin (tfjs layers format), preprocess.json,
                          reference-stats.json, test-vectors.json
  server/                 the server (plain JavaScript ES modules) and server/preprocess/
  test/                   npm test (node:test)
  package.json, package-lock.json, Dockerfile
  k8s/deployment.yaml     Deployment + Service
  k8s/inferenceservice.yaml  KServe custom predictor
\`\`\`

## Deploy on Kubernetes

Push the image to your registry, set \`image:\` in the YAML to it, then

\`\`\`sh
kubectl apply -f k8s/deployment.yaml        # plain Deployment + Service
kubectl apply -f k8s/inferenceservice.yaml  # or KServe
\`\`\`

Both probe \`/v2/health/ready\` and \`/v2/health/live\`; the InferenceService scales between 1 and 4
replicas on concurrency.
`;
}
