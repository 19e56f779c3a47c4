/**
 * Data sets shipped with Kiln in the build's data/ folder (copied from vega-datasets by
 * vite.config.ts), loadable with `data.load(name)` like the user's own files.
 */
export type SampleDataset = { readonly name: string; readonly description: string };

export const SAMPLE_DATASETS: readonly SampleDataset[] = [
  { name: 'penguins.csv', description: 'Palmer penguins: 344 birds × 7 columns, with missing values (CC0)' },
  { name: 'penguins.json', description: 'The same penguins as JSON records' },
];

export const isSampleDataset = (name: string): boolean => SAMPLE_DATASETS.some((sample) => sample.name === name);
