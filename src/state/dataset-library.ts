/**
 * The user's datasets: files dropped on the notebook or picked with the upload button are checked
 * (a malformed file is refused with the row and column at fault, before anything is stored),
 * fingerprinted with SHA-256 and stored; the kernel reads them back for `data.load(name)`.
 */
import type { DatasetLookup } from '../core/protocol';
import { readTableFile, tableShape, TABLE_FILE_EXTENSIONS } from '../core/table-file';
import { errorMessage } from '../core/errors';
import { sha256Hex } from '../lib/sha256';
import type { DatasetsRepository } from '../store/datasets-repo';
import type { DatasetRecord } from '../store/schema';

export type AddedDataset = { readonly ok: true; readonly dataset: DatasetRecord; readonly replaced: boolean } | { readonly ok: false; readonly message: string };

export class DatasetLibrary {
  constructor(private readonly repository: DatasetsRepository | null) {}

  get canStore(): boolean {
    return this.repository !== null;
  }

  /** Checks and stores one file. Never throws: a refused file comes back with the reason. */
  async add(file: { readonly name: string; arrayBuffer(): Promise<ArrayBuffer> }): Promise<AddedDataset> {
    if (!this.repository) return { ok: false, message: `${file.name}: browser storage is unavailable, so datasets cannot be kept` };
    const extension = /\.[^.]+$/.exec(file.name)?.[0]?.toLowerCase() ?? '';
    if (!(TABLE_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
      return { ok: false, message: `${file.name}: only ${TABLE_FILE_EXTENSIONS.join(' and ')} files can be added as datasets` };
    }
    try {
      const bytes = await file.arrayBuffer();
      const shape = tableShape(readTableFile(bytes, file.name));
      const sha256 = await sha256Hex(bytes);
      const replaced = (await this.repository.list()).some((existing) => existing.name === file.name);
      const dataset: DatasetRecord = { name: file.name, sha256, size: bytes.byteLength, addedAt: Date.now(), ...shape };
      await this.repository.put(dataset, bytes);
      return { ok: true, dataset, replaced };
    } catch (error) {
      return { ok: false, message: errorMessage(error) };
    }
  }

  async list(): Promise<DatasetRecord[]> {
    return (await this.repository?.list()) ?? [];
  }

  async remove(name: string): Promise<void> {
    await this.repository?.remove(name);
  }

  /** What the kernel gets for `data.load(name)`. */
  async lookUp(name: string): Promise<DatasetLookup> {
    if (!this.repository) return { found: false, available: [], problem: 'browser storage is unavailable' };
    const content = await this.repository.read(name);
    if (content) return { found: true, bytes: content.bytes, sha256: content.sha256 };
    return { found: false, available: (await this.repository.list()).map((dataset) => dataset.name) };
  }
}
