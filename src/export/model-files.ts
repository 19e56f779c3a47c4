/**
 * A tfjs model as the artifact stores it: model.json (tfjs layers format, its weightsManifest
 * pointing at one weights.bin) and the weight bytes. Built from what `model.save(handler)` hands a
 * custom save handler, so the export needs no file system.
 */
import type { io } from '@tensorflow/tfjs';
import type { WeightsGroup } from './server/weights';

export const WEIGHTS_FILE = 'weights.bin';

export type ModelJson = {
  modelTopology: object;
  format: string;
  generatedBy: string;
  convertedBy: string | null;
  weightsManifest: WeightsGroup[];
  trainingConfig?: object;
  /** tfjs' free-form metadata (model.setUserDefinedMetadata), e.g. the class labels. */
  userDefinedMetadata?: Record<string, unknown>;
};

export type ModelFiles = { modelJson: ModelJson; weights: Uint8Array };

function concatenate(parts: readonly ArrayBuffer[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return bytes;
}

export function modelFilesFrom(artifacts: io.ModelArtifacts): ModelFiles {
  if (!artifacts.modelTopology || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('the saved model has no topology or no weights: save a layers model with its weights');
  }
  const weightData = artifacts.weightData;
  return {
    modelJson: {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? 'layers-model',
      generatedBy: artifacts.generatedBy ?? 'unknown',
      convertedBy: artifacts.convertedBy ?? null,
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    },
    weights: concatenate(Array.isArray(weightData) ? weightData : [weightData]),
  };
}
