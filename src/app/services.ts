import { createContext, useContext } from 'react';
import type { NotebooksRepository } from '../store/notebooks-repo';
import type { Workspace } from '../state/workspace';
import type { DatasetLibrary } from '../state/dataset-library';
import type { RunsRepository } from '../store/runs-repo';
import type { RegistryRepository } from '../store/registry-repo';
import type { RunAnnotationsRepository } from '../store/run-annotations-repo';
import { invariant } from '../lib/invariant';

/** Long-lived objects made once by main.tsx and handed to the tree. */
export type Services = {
  readonly workspace: Workspace;
  /** Null when IndexedDB is unavailable: Kiln then works in memory and says so. */
  readonly repository: NotebooksRepository | null;
  readonly datasets: DatasetLibrary;
  /** Null when IndexedDB is unavailable: runs cannot be tracked then. */
  readonly runs: RunsRepository | null;
  /** Null when IndexedDB is unavailable, like runs. */
  readonly registry: RegistryRepository | null;
  /** Star, rename, tag, note and delete runs; null when IndexedDB is unavailable, like runs. */
  readonly runAnnotations: RunAnnotationsRepository | null;
};

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  invariant(services, 'useServices outside <ServicesContext>');
  return services;
}
