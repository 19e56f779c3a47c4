/**
 * Test fixture: a database exactly as Kiln's schema version 1 wrote it, for the migration tests
 * (schema.test.ts in Node, e2e/storage.e2e.ts in Chromium). It uses the raw IndexedDB API rather
 * than `declareVersion1`, so the tests pin the old on-disk layout instead of trusting the code they
 * test: IndexedDB version 10 (Dexie stores `version(1)` as 10), `notebooks` keyed by `id` with an
 * `updatedAt` index, `notebookContents` keyed by `id`, `settings` keyed by `key`.
 *
 * `writeVersion1Database` must stay self-contained (no imports, no outer variables): the e2e test
 * hands it to `page.evaluate`, which runs its source text inside the page.
 */

/** The version 1 sidebar row: no `deletedAt` (no trash yet) and no `revision`. Frozen; never edit. */
export type Version1NotebookRecord = {
  id: string;
  name: string;
  language: string;
  createdAt: number;
  updatedAt: number;
  cellCount: number;
};

export type Version1ContentRecord = { id: string; cells: readonly unknown[]; metadata?: Record<string, unknown> };

export type Version1Data = {
  databaseName: string;
  notebooks: readonly Version1NotebookRecord[];
  contents: readonly Version1ContentRecord[];
  settings: readonly { key: string; value: unknown }[];
};

/** Creates the database at IndexedDB version 10, writes every record in the upgrade and closes it. */
export function writeVersion1Database(data: Version1Data, factory: IDBFactory = indexedDB): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.open(data.databaseName, 10);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (db.objectStoreNames.length > 0) {
        reject(new Error(`writeVersion1Database: "${data.databaseName}" already exists; give each test a fresh database`));
        request.transaction?.abort();
        return;
      }
      const notebooks = db.createObjectStore('notebooks', { keyPath: 'id' });
      notebooks.createIndex('updatedAt', 'updatedAt');
      const contents = db.createObjectStore('notebookContents', { keyPath: 'id' });
      const settings = db.createObjectStore('settings', { keyPath: 'key' });
      for (const record of data.notebooks) notebooks.add(record);
      for (const record of data.contents) contents.add(record);
      for (const record of data.settings) settings.add(record);
    };
    request.onsuccess = () => {
      request.result.close();
      resolve();
    };
    request.onerror = () => reject(request.error ?? new Error(`writeVersion1Database: opening "${data.databaseName}" failed`));
    request.onblocked = () => reject(new Error(`writeVersion1Database: "${data.databaseName}" is open elsewhere`));
  });
}

/**
 * Two notebooks as an old Kiln saved them: every cell type, outputs of several kinds, foreign
 * metadata, attachments, and the settings Kiln kept (last opened notebook, demo seeded).
 */
export function sampleVersion1Data(databaseName: string): Version1Data {
  const analysis: Version1ContentRecord = {
    id: 'nb_v1analysis0001',
    cells: [
      { id: 'c_v1md0000000001', type: 'markdown', source: '# Old analysis\nWritten by Kiln 1.' },
      {
        id: 'c_v1code00000001',
        type: 'code',
        source: 'const answer = 6 * 7;\nanswer',
        outputs: [
          { type: 'stream', name: 'stdout', text: 'computing\n' },
          { type: 'display', bundle: { kind: 'text', text: '42' }, isResult: true },
        ],
        executionCount: 3,
        lastRun: { startedAt: 1_700_000_000_000, durationMs: 12, status: 'ok' },
      },
      {
        id: 'c_v1code00000002',
        type: 'code',
        source: 'missing()',
        outputs: [{ type: 'error', name: 'ReferenceError', message: 'missing is not defined', line: 1, column: 1, traceback: ['at cell:1:1'] }],
        executionCount: 4,
        isOutputCollapsed: true,
      },
    ],
  };
  const imported: Version1ContentRecord = {
    id: 'nb_v1imported001',
    cells: [
      { id: 'c_v1raw000000001', type: 'raw', source: 'raw text', metadata: { format: 'text/plain' }, attachments: { 'a.png': { 'image/png': 'iVBOR' } } },
      { id: 'c_v1code00000003', type: 'code', source: 'print("hi")', outputs: [], executionCount: null, metadata: { tags: ['keep'] } },
    ],
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3' } },
  };
  return {
    databaseName,
    notebooks: [
      { id: analysis.id, name: 'Old analysis', language: 'typescript', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_500_000, cellCount: 3 },
      { id: imported.id, name: 'Imported from Jupyter', language: 'python', createdAt: 1_700_000_100_000, updatedAt: 1_700_000_900_000, cellCount: 2 },
    ],
    contents: [analysis, imported],
    settings: [
      { key: 'lastOpenedNotebook', value: analysis.id },
      { key: 'demoSeeded', value: true },
    ],
  };
}
