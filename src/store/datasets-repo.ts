/**
 * Datasets the user brought in (dropped or uploaded files). Metadata and bytes are two records
 * written in one transaction; bytes are keyed by SHA-256, so re-adding the same file costs nothing.
 */
import type { DatasetRecord, KilnDatabase } from './schema';
import { toStorageError } from './storage-errors';

export type DatasetSummary = DatasetRecord;
export type DatasetContent = { readonly bytes: ArrayBuffer; readonly sha256: string };

export class DatasetsRepository {
  constructor(private readonly db: KilnDatabase) {}

  /** Newest first. */
  async list(): Promise<DatasetSummary[]> {
    return this.db.datasets.orderBy('addedAt').reverse().toArray();
  }

  /** Stores a dataset under `record.name`, replacing one of the same name. */
  async put(record: DatasetRecord, bytes: ArrayBuffer): Promise<void> {
    try {
      await this.db.transaction('rw', this.db.datasets, this.db.datasetContents, async () => {
        const replaced = await this.db.datasets.get(record.name);
        await this.db.datasetContents.put({ sha256: record.sha256, bytes });
        await this.db.datasets.put(record);
        if (replaced && replaced.sha256 !== record.sha256) await this.dropContentIfUnused(replaced.sha256);
      });
    } catch (error) {
      throw toStorageError(error, `Could not store the dataset ${record.name}`);
    }
  }

  async read(name: string): Promise<DatasetContent | undefined> {
    return this.db.transaction('r', this.db.datasets, this.db.datasetContents, async () => {
      const record = await this.db.datasets.get(name);
      if (!record) return undefined;
      const content = await this.db.datasetContents.get(record.sha256);
      return content ? { bytes: content.bytes, sha256: record.sha256 } : undefined;
    });
  }

  async remove(name: string): Promise<void> {
    await this.db.transaction('rw', this.db.datasets, this.db.datasetContents, async () => {
      const record = await this.db.datasets.get(name);
      if (!record) return;
      await this.db.datasets.delete(name);
      await this.dropContentIfUnused(record.sha256);
    });
  }

  private async dropContentIfUnused(sha256: string): Promise<void> {
    if ((await this.db.datasets.where('sha256').equals(sha256).count()) === 0) await this.db.datasetContents.delete(sha256);
  }
}
