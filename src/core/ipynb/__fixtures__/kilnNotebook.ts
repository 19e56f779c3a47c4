/**
 * A Kiln notebook with fixed ids and times that uses every display bundle kind and every piece of
 * Kiln-only state; kiln-export.golden.ipynb is its reviewed export.
 */
import type { CellId, NotebookId } from '../../../lib/ids';
import type { Notebook } from '../../notebook/types';

const cellId = (value: string): CellId => value as CellId;

/** 1x1 transparent PNG. */
export const TINY_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export const KILN_NOTEBOOK: Notebook = {
  id: 'nb_0123456789abcdef' as NotebookId,
  name: 'Iris MLP',
  language: 'typescript',
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_360_000,
  cells: [
    { id: cellId('c_intro'), type: 'markdown', source: '# Iris MLP\n\nTrain a tiny *MLP* on iris.' },
    {
      id: cellId('c_load'),
      type: 'code',
      source: "const df = await dfd.readCSV('iris.csv');\nconsole.log('rows', df.shape[0]);\ndf.head(2)",
      executionCount: 1,
      lastRun: { startedAt: 1_700_000_010_000, durationMs: 412, status: 'ok' },
      outputs: [
        { type: 'stream', name: 'stdout', text: 'rows 150\n' },
        { type: 'stream', name: 'stderr', text: 'warning: column "species" parsed as string\n' },
        {
          type: 'display',
          isResult: true,
          bundle: {
            kind: 'table',
            columns: [
              { name: 'sepal_length', dtype: 'float32' },
              { name: 'species <b>', dtype: 'string' },
            ],
            index: [0, 1],
            rows: [
              [5.1, 'setosa'],
              [Number.NaN, null],
            ],
            shape: [150, 2],
            isSeries: false,
          },
        },
      ],
    },
    {
      id: cellId('c_series'),
      type: 'code',
      source: "df['sepal_length'].head(2)",
      executionCount: 2,
      isInputCollapsed: true,
      isOutputCollapsed: false,
      outputs: [
        {
          type: 'display',
          isResult: true,
          bundle: { kind: 'table', columns: [{ name: 'sepal_length', dtype: 'float32' }], index: ['a', 'b'], rows: [[5.1], [4.9]], shape: [150, 1], isSeries: true },
        },
      ],
    },
    {
      id: cellId('c_model'),
      type: 'code',
      source: 'const model = tf.sequential();\nmodel.summary()',
      executionCount: 3,
      metadata: { tags: ['model'] },
      outputs: [
        {
          type: 'display',
          bundle: {
            kind: 'model',
            name: 'sequential_1',
            layers: [
              { name: 'dense_Dense1', type: 'Dense', outputShape: '[null,16]', params: 80 },
              { name: 'dense_Dense2', type: 'Dense', outputShape: '[null,3]', params: 51 },
            ],
            totalParams: 131,
            trainableParams: 131,
          },
        },
        { type: 'display', bundle: { kind: 'tensor', shape: [2, 3], dtype: 'float32', preview: '[[1, 2, 3],\n [4, 5, 6]]', size: 6 } },
      ],
    },
    {
      id: cellId('c_train'),
      type: 'code',
      source: 'await model.fit(xs, ys, { epochs: 2 })',
      executionCount: 4,
      isOutputCollapsed: true,
      lastRun: { startedAt: 1_700_000_100_000, durationMs: 65_000, status: 'interrupted' },
      outputs: [
        {
          type: 'display',
          displayId: 'progress-1',
          isResult: false,
          bundle: {
            kind: 'progress',
            label: 'fit',
            epoch: 2,
            epochs: 2,
            batch: 10,
            batchesPerEpoch: 10,
            elapsedMs: 65_000,
            history: { loss: [1.1, Number.POSITIVE_INFINITY], acc: [0.4, 0.7] },
            state: 'stopped',
          },
        },
        {
          type: 'display',
          bundle: {
            kind: 'plotly',
            data: [{ type: 'scatter', x: [1, 2], y: [1.1, null], name: 'loss' }],
            layout: { title: { text: 'Loss' }, $kiln: 'user data that looks like a marker' },
          },
        },
        { type: 'display', bundle: { kind: 'image', mime: 'image/png', base64: TINY_PNG, width: 1, height: 1 } },
      ],
    },
    {
      id: cellId('c_misc'),
      type: 'code',
      source: "display(md`**done**`);\ndisplay(html`<i>ok</i>`);\n({ a: 1, b: [undefined, -Infinity] })",
      executionCount: 5,
      outputs: [
        { type: 'display', bundle: { kind: 'markdown', markdown: '**done**' } },
        { type: 'display', bundle: { kind: 'html', html: '<i>ok</i>' } },
        { type: 'display', bundle: { kind: 'text', text: 'plain "text"\nsecond line' } },
        { type: 'display', isResult: true, bundle: { kind: 'json', value: { a: 1, b: [undefined, Number.NEGATIVE_INFINITY] } } },
      ],
    },
    {
      id: cellId('c_error'),
      type: 'code',
      source: 'const x: number = 1;\nx.foo()',
      executionCount: 6,
      lastRun: { startedAt: 1_700_000_200_000, durationMs: 3, status: 'error' },
      outputs: [
        {
          type: 'error',
          name: 'TypeError',
          message: 'x.foo is not a function',
          line: 2,
          column: 3,
          traceback: ['    at cell 6:2:3'],
        },
      ],
    },
    {
      id: cellId('c_foreign'),
      type: 'code',
      source: 'previous output kept from an import',
      executionCount: null,
      outputs: [
        {
          type: 'display',
          bundle: {
            kind: 'mime',
            data: {
              'text/plain': '<Figure size 640x480 with 1 Axes>',
              'image/png': TINY_PNG,
              'application/vnd.kiln.output-metadata+json': { 'image/png': { width: 640 } },
            },
          },
        },
      ],
    },
    { id: cellId('c_raw'), type: 'raw', source: 'raw text\n', metadata: { raw_mimetype: 'text/plain' } },
    { id: cellId('c_empty'), type: 'code', source: '', executionCount: null, outputs: [] },
  ],
};
