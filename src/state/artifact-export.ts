/**
 * "Export as deployable artifact": gathers a model's versions (production and its fallback by
 * default, one chosen version, or an unregistered run), reads each saved model, infers what the
 * server needs that the run did not log, builds the artifact's files (export/artifact-files.ts),
 * zips them with fflate and hands the .zip to the browser's downloads. Progress is reported per
 * phase and per zipped file, so a large model shows it is moving.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { RunId } from '../lib/ids';
import { candidateFromRun, productionOf, versionOf, type ModelState, type VersionCandidate } from '../core/registry';
import type { ModelArtifact } from '../core/tracking/types';
import { artifactRootFolder, buildArtifactFiles, type ArtifactFiles, type ArtifactVersionInput } from '../export/artifact-files';
import type { ModelJson } from '../export/model-files';
import { packSources } from '../export/pack-sources';
import { loadServerSources } from '../export/server-sources';
import type { JsonValue, SignatureOutput } from '../export/server/manifest';
import type { RegistryRepository } from '../store/registry-repo';
import type { RunsRepository } from '../store/runs-repo';
import { downloadFile, safeFileName } from './download';
import { parsePipeline, parseReferenceStats, type FittedPipeline } from '../preprocess';
import { loadTensorflow, probeModel } from './registry-model-probe';
import { LABELS_HOW_TO, describeOutput, featureNames, identityPipeline, outputLabels, probeMatrix, probeReferenceStats, rowsOf } from './registry-signature';

export type ExportRequest =
  /** Production, with the previous production as fallback when there is one. */
  | { readonly kind: 'production'; readonly model: string }
  | { readonly kind: 'version'; readonly model: string; readonly version: number }
  /** A run that is not (necessarily) registered: exported as v1 of its experiment's name. */
  | { readonly kind: 'run'; readonly runId: RunId };

export type ExportProgress = { readonly phase: string; readonly fraction: number };

export type ExportResult = { readonly fileName: string; readonly bytes: number; readonly milliseconds: number; readonly warnings: readonly string[] };

/** An export that cannot be made, with what to do about it. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

type Sources = { readonly runs: RunsRepository; readonly registry: RegistryRepository | null };

type PlannedVersion = { readonly version: number; readonly candidate: VersionCandidate };
type Plan = { readonly name: string; readonly versions: readonly PlannedVersion[]; readonly production: number; readonly fallback: number | null };

const NO_MODEL_HELP = 'Autolog saves the model of every model.fit; in a custom training loop call run.logModel(model) before run.end(), then export the new run.';

async function modelState(sources: Sources, name: string): Promise<ModelState> {
  const state = await sources.registry?.state(name);
  if (!state) throw new ExportError(`There is no registered model named "${name}".`);
  return state;
}

async function plan(sources: Sources, request: ExportRequest): Promise<Plan> {
  switch (request.kind) {
    case 'production': {
      const state = await modelState(sources, request.model);
      const production = productionOf(state);
      if (!production) throw new ExportError(`${state.model.name} has no production version yet: promote a version to production, or export one version from its row.`);
      const fallback = state.model.fallback === null ? null : versionOf(state, state.model.fallback);
      const versions = [production, ...(fallback ? [fallback] : [])].map((entry) => ({ version: entry.version, candidate: entry }));
      return { name: state.model.name, versions, production: production.version, fallback: fallback?.version ?? null };
    }
    case 'version': {
      const entry = versionOf(await modelState(sources, request.model), request.version);
      return { name: request.model, versions: [{ version: entry.version, candidate: entry }], production: entry.version, fallback: null };
    }
    case 'run': {
      const run = await sources.runs.get(request.runId);
      if (!run) throw new ExportError('This run no longer exists (it was deleted).');
      if (!run.hasModel) throw new ExportError(`Run "${run.name}" saved no model, so there is nothing to deploy. ${NO_MODEL_HELP}`);
      const experiment = (await sources.runs.experiments()).find((candidate) => candidate.name === run.experiment);
      return { name: run.experiment, versions: [{ version: 1, candidate: candidateFromRun(run, experiment?.objective) }], production: 1, fallback: null };
    }
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function modelJsonOf(artifact: ModelArtifact): ModelJson {
  const json = artifact.modelJson;
  return {
    modelTopology: json.modelTopology as object,
    format: typeof json.format === 'string' ? json.format : 'layers-model',
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : 'Kiln',
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : null,
    weightsManifest: [{ paths: [], weights: json.weightSpecs as ModelJson['weightsManifest'][number]['weights'] }],
    ...(isPlainObject(json.userDefinedMetadata) ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

/** Reads the saved model, checks its signature and records the test vectors the server replays. */
async function versionInput(sources: Sources, planned: PlannedVersion, warnings: string[]): Promise<ArtifactVersionInput> {
  const { candidate, version } = planned;
  const artifact = await sources.runs.artifact(candidate.runId);
  if (!artifact) throw new ExportError(`v${version} (run "${candidate.runName}") has no saved model: the run saved none or was deleted. ${NO_MODEL_HELP}`);
  const probe = await probeModel(artifact);
  try {
    const objective: JsonValue = candidate.objective ? { metric: candidate.objective.metric, direction: candidate.objective.direction, value: candidate.objective.value } : null;
    const serving = servingOf(artifact, version, warnings) ?? fallbackServing(probe, version, warnings);
    return {
      version,
      runId: candidate.runId,
      params: { ...candidate.params },
      metrics: { ...candidate.metrics },
      objective,
      dataFingerprints: { ...candidate.dataFingerprints },
      outputs: [outputOf(artifact, probe, version, warnings)],
      modelJson: modelJsonOf(artifact),
      weights: new Uint8Array(artifact.weights),
      ...serving,
    };
  } finally {
    probe.dispose();
  }
}

/** The output's name and meaning, with the class names the model's metadata gives (the notebook's words, e.g. species). */
function outputOf(artifact: ModelArtifact, probe: Awaited<ReturnType<typeof probeModel>>, version: number, warnings: string[]): SignatureOutput {
  const { labels, problem } = outputLabels(artifact.modelJson.userDefinedMetadata, probe.outputWidth);
  if (problem) warnings.push(`v${version}: ${problem}.`);
  else if (!labels && probe.outputActivation === 'softmax' && probe.outputWidth > 1) {
    warnings.push(`v${version}: the ${probe.outputWidth} classes have no names, so clients get them by position; name them with ${LABELS_HOW_TO}.`);
  }
  return describeOutput(probe.outputWidth, probe.outputActivation, labels);
}

type Serving = Pick<ArtifactVersionInput, 'pipeline' | 'referenceStats' | 'testVectors'>;

/**
 * A test vector as a client sends it: the notebook keeps whole training rows, label and unused
 * columns included, which the server refuses as unknown features. The pipeline never reads them,
 * so the recorded outputs stay the model's answers for what is left.
 */
function requestFields(row: Record<string, JsonValue>, pipeline: FittedPipeline): Record<string, JsonValue> {
  return Object.fromEntries(pipeline.inputs.filter((input) => Object.hasOwn(row, input.name)).map((input) => [input.name, row[input.name] as JsonValue]));
}

/** What the notebook saved with the model: its fitted `preprocess` pipeline, training statistics and test vectors. */
function servingOf(artifact: ModelArtifact, version: number, warnings: string[]): Serving | null {
  if (!artifact.serving) return null;
  try {
    const pipeline = parsePipeline(artifact.serving.pipeline);
    const { inputs, outputs } = artifact.serving.testVectors as Serving['testVectors'];
    return {
      pipeline,
      referenceStats: parseReferenceStats(artifact.serving.referenceStats),
      testVectors: { inputs: inputs.map((row) => requestFields(row, pipeline)), outputs },
    };
  } catch (error) {
    warnings.push(`v${version}: the saved preprocessing could not be read (${error instanceof Error ? error.message : String(error)}); exporting without it.`);
    return null;
  }
}

/** No pipeline was fitted before the model was saved: the server takes the model's input columns as they are. */
function fallbackServing(probe: Awaited<ReturnType<typeof probeModel>>, version: number, warnings: string[]): Serving {
  const names = featureNames(probe.inputWidth);
  const matrix = probeMatrix(probe.inputWidth);
  const rows = rowsOf(matrix, names);
  const pipeline = identityPipeline(probe.inputWidth);
  warnings.push(
    `v${version}: the run logged no preprocessing pipeline (fit one with preprocess.fit before training), so the server takes the model's ${probe.inputWidth} input columns as numbers named ${names.length > 3 ? `${names[0]}…${names.at(-1)}` : names.join(', ')}, already scaled as in training, and its drift reference describes probe rows, not the training data.`,
  );
  return { pipeline, referenceStats: probeReferenceStats(pipeline, rows), testVectors: { inputs: rows as Record<string, JsonValue>[], outputs: probe.predict(matrix) } };
}

let packedServer: Promise<Map<string, string>> | null = null;

/** The server's sources are the same for every export: pack them once per page. */
function serverFiles(): Promise<Map<string, string>> {
  packedServer ??= loadServerSources().then((sources) => packSources(sources));
  packedServer.catch(() => (packedServer = null));
  return packedServer;
}

const encoder = new TextEncoder();
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));
/** How long zipping may hold the main thread before it lets the page paint the progress. */
const YIELD_EVERY_MS = 50;

/** Zips file by file, pausing for the page now and then; weights are stored, not deflated (floats barely compress). */
export async function zipFiles(files: ArtifactFiles, onProgress: (fraction: number) => void): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  const sizeOf = (content: string | Uint8Array) => (typeof content === 'string' ? content.length : content.byteLength);
  const total = [...files.values()].reduce((sum, content) => sum + sizeOf(content), 0);
  let done = 0;
  let lastYield = performance.now();
  for (const [path, content] of files) {
    const entry = typeof content === 'string' ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
    zip.add(entry);
    entry.push(typeof content === 'string' ? encoder.encode(content) : content, true);
    done += sizeOf(content);
    if (performance.now() - lastYield > YIELD_EVERY_MS) {
      onProgress(done / total);
      await yieldToPage();
      lastYield = performance.now();
    }
  }
  zip.end();
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

/**
 * Loads what every export needs (tfjs, the packed server) in the background, so the click that
 * exports does not pay for it. Called when a view with export buttons opens.
 */
export function prepareExport(): void {
  void serverFiles().catch(() => undefined);
  void loadTensorflow().catch(() => undefined);
}

/** Builds the artifact's zip without downloading it (the download is `exportArtifact`). */
export async function buildArtifactZip(sources: Sources, request: ExportRequest, onProgress: (progress: ExportProgress) => void = () => undefined): Promise<{ fileName: string; zip: Blob; warnings: string[] }> {
  onProgress({ phase: 'Reading the model', fraction: 0.05 });
  const planned = await plan(sources, request);
  const warnings: string[] = [];
  const server = serverFiles();
  const versions: ArtifactVersionInput[] = [];
  for (const entry of planned.versions) {
    onProgress({ phase: `Checking v${entry.version}`, fraction: 0.1 + (0.3 * versions.length) / planned.versions.length });
    versions.push(await versionInput(sources, entry, warnings));
  }
  onProgress({ phase: 'Packing the server', fraction: 0.45 });
  const files = buildArtifactFiles({ name: planned.name, versions, production: planned.production, fallback: planned.fallback, created: new Date().toISOString(), serverFiles: await server });
  onProgress({ phase: 'Zipping', fraction: 0.5 });
  const zip = await zipFiles(files, (fraction) => onProgress({ phase: 'Zipping', fraction: 0.5 + fraction * 0.5 }));
  return { fileName: `${safeFileName(artifactRootFolder(planned))}.zip`, zip, warnings };
}

export async function exportArtifact(sources: Sources, request: ExportRequest, onProgress?: (progress: ExportProgress) => void): Promise<ExportResult> {
  const started = performance.now();
  const { fileName, zip, warnings } = await buildArtifactZip(sources, request, onProgress);
  downloadFile(fileName, zip, 'application/zip');
  return { fileName, bytes: zip.size, milliseconds: performance.now() - started, warnings };
}
