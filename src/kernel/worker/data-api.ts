/**
 * `data` in cells: `await data.load('penguins.csv')` returns a danfo DataFrame and records the
 * file's fingerprint (SHA-256, rows, columns), so a run can say exactly which data it used.
 */
import type { DataFrame } from 'danfojs';
import { fingerprint, loadTable, type DanfoModule, type DataFingerprint } from './data-loading';

export type LoadedDataset = DataFingerprint & { readonly name: string };

export type DataApi = {
  load(name: string): Promise<DataFrame>;
  /** Every dataset loaded in this kernel session, in load order. */
  loaded(): readonly LoadedDataset[];
};

export function createDataApi(dfd: DanfoModule, baseUrl: string): DataApi {
  const loaded = new Map<string, LoadedDataset>();
  return {
    async load(name) {
      const url = new URL(`data/${encodeURIComponent(name)}`, baseUrl);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`data.load('${name}'): no such dataset (HTTP ${response.status}). Bundled samples: penguins.csv, penguins.json`);
      const bytes = await response.arrayBuffer();
      const table = loadTable(dfd, bytes, name);
      loaded.set(name, { name, ...(await fingerprint(bytes, table)) });
      return table;
    },
    loaded: () => [...loaded.values()],
  };
}
