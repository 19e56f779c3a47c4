/**
 * The model registry in IndexedDB. Every action reads the model's state, applies one pure
 * transition from core/registry and writes the result in ONE transaction, so two tabs promoting at
 * once cannot leave two productions behind.
 */
import type { RunId } from '../lib/ids';
import { registerVersion, RegistryError, type ModelState, type ModelVersion, type RegisteredModel, type VersionCandidate } from '../core/registry';
import type { KilnDatabase } from './schema';
import { toStorageError } from './storage-errors';

export type ModelTransition = (state: ModelState, at: number) => ModelState;

export class RegistryRepository {
  constructor(
    private readonly db: KilnDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  async models(): Promise<RegisteredModel[]> {
    return this.db.registeredModels.orderBy('name').toArray();
  }

  /** Every version of every model (small: a few rows per model), for the models view. */
  async allVersions(): Promise<ModelVersion[]> {
    return this.db.modelVersions.toArray();
  }

  async state(name: string): Promise<ModelState | null> {
    const { db } = this;
    return db.transaction('r', [db.registeredModels, db.modelVersions], () => this.read(name));
  }

  async versionsOfRun(runId: RunId): Promise<ModelVersion[]> {
    return this.db.modelVersions.where('runId').equals(runId).toArray();
  }

  /** Registers the run as the next version of `name` (created when new). */
  async register(name: string, candidate: VersionCandidate): Promise<ModelVersion> {
    const { db } = this;
    return this.write('registering the model', async () => {
      const existing = await db.registeredModels.get(name.trim());
      const { state, version } = registerVersion(existing ? await this.read(existing.name) : null, name, candidate, this.now());
      await db.registeredModels.put(state.model);
      await db.modelVersions.put(version);
      return version;
    });
  }

  /** Applies a transition (promote, rollback, archive, stage) to the stored model. */
  async update(name: string, transition: ModelTransition): Promise<ModelState> {
    const { db } = this;
    return this.write('changing the model', async () => {
      const state = await this.read(name);
      if (!state) throw new RegistryError('no-such-version', `There is no model named "${name}".`);
      const next = transition(state, this.now());
      await db.registeredModels.put(next.model);
      await db.modelVersions.bulkPut(next.versions.filter((entry, index) => entry !== state.versions[index]));
      return next;
    });
  }

  private async read(name: string): Promise<ModelState | null> {
    const model = await this.db.registeredModels.get(name);
    if (!model) return null;
    const versions = await this.db.modelVersions.where('[model+version]').between([name, -Infinity], [name, Infinity]).toArray();
    return { model, versions };
  }

  private async write<T>(what: string, action: () => Promise<T>): Promise<T> {
    const { db } = this;
    try {
      return await db.transaction('rw', [db.registeredModels, db.modelVersions], action);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw toStorageError(error, what);
    }
  }
}
