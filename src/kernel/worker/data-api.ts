/**
 * `data` in cells: `await data.load('penguins.csv')` returns a danfo DataFrame and records the
 * file's fingerprint (SHA-256, rows, columns), so a run can say exactly which data it used.
 */
import type { DataFrame } from 'danfojs';
import type { DatasetLookup } from '../../core/protocol';
import { isSampleDataset, SAMPLE_DATASETS } from '../../core/sample-datasets';
import { fingerprint, loadTable, type DanfoModule, type DataFingerprint } from './data-loading';

export type LoadedDataset = DataFingerprint & { readonly name: string };

export type DataApi = {
  load(name: string): Promise<DataFrame>;
  /** Every dataset loaded in this kernel session, in load order. */
  loaded(): readonly LoadedDataset[];
};

/**
 * The user's own datasets (stored in IndexedDB, reached through the main thread) come first, so a
 * dropped `penguins.csv` shadows the bundled sample of that name, as a local file would.
 */
export function createDataApi(dfd: DanfoModule, baseUrl: string, lookUpStored: (name: string) => Promise<DatasetLookup>): DataApi {
  const loaded = new Map<string, LoadedDataset>();
  const readBytes = async (name: string): Promise<ArrayBuffer> => {
    const stored = await lookUpStored(name);
    if (stored.found) return stored.bytes;
    if (isSampleDataset(name)) {
      const response = await fetch(new URL(`data/${encodeURIComponent(name)}`, baseUrl));
      if (response.ok) return response.arrayBuffer();
      throw new Error(`data.load('${name}'): the bundled sample could not be fetched (HTTP ${response.status})`);
    }
    const yours = stored.available.length > 0 ? stored.available.join(', ') : 'none yet (drop a .csv or .json file on the notebook)';
    const problem = stored.problem ? ` (${stored.problem})` : '';
    throw new Error(`data.load('${name}'): no such dataset${problem}. Your datasets: ${yours}. Bundled samples: ${SAMPLE_DATASETS.map((sample) => sample.name).join(', ')}`);
  };
  return {
    async load(name) {
      const bytes = await readBytes(name);
      const table = loadTable(dfd, bytes, name);
      loaded.set(name, { name, ...(await fingerprint(bytes, table)) });
      return table;
    },
    loaded: () => [...loaded.values()],
  };
}
