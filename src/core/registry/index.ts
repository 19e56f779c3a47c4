export type { HistoryAction, HistoryEntry, ModelState, ModelVersion, RegisteredModel, Stage, VersionCandidate, VersionObjective } from './types';
export {
  archive,
  compareWithProduction,
  productionOf,
  promote,
  registerVersion,
  RegistryError,
  rollback,
  rollbackTargets,
  setStaging,
  validateModelName,
  versionOf,
  type Comparison,
  type RegistryErrorCode,
} from './transitions';
export { candidateFromRun } from './candidate';
