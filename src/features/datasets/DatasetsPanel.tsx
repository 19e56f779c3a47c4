import { useRef } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { useServices } from '../../app/services';
import { showToast } from '../../state/app-store';
import { addDatasetFiles, insertLoadCell } from './add-datasets';
import { formatBytes } from '../../lib/format-bytes';
import { TABLE_FILE_EXTENSIONS } from '../../core/table-file';
import { SAMPLE_DATASETS } from '../../core/sample-datasets';

/** The sidebar's list of the user's datasets, with an upload button; files can also be dropped on the notebook. */
export function DatasetsPanel() {
  const { datasets } = useServices();
  const input = useRef<HTMLInputElement>(null);
  const stored = useLiveQuery(() => datasets.list(), [datasets]);

  return (
    <section className="datasets-panel" data-testid="datasets-panel" aria-label="Datasets">
      <div className="panel-title">
        <span>Datasets</span>
        <button type="button" className="icon-button" title="Add a .csv or .json file (or drop it on the notebook)" aria-label="Upload dataset" onClick={() => input.current?.click()} disabled={!datasets.canStore}>
          ⤒ Upload
        </button>
        <input
          ref={input}
          type="file"
          hidden
          multiple
          accept={TABLE_FILE_EXTENSIONS.join(',')}
          data-testid="dataset-upload-input"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            void addDatasetFiles(datasets, files);
          }}
        />
      </div>
      <ul className="dataset-list">
        {(stored ?? []).map((dataset) => (
          <li key={dataset.name} className="dataset-item" data-testid="dataset-item" data-name={dataset.name} data-sha256={dataset.sha256}>
            <button type="button" className="dataset-open" title={`Insert a cell that loads ${dataset.name}\nSHA-256 ${dataset.sha256}`} onClick={() => insertLoadCell(dataset.name)}>
              <span className="notebook-name">{dataset.name}</span>
              <span className="notebook-meta">
                {dataset.rows >= 0 ? `${dataset.rows.toLocaleString()} × ${dataset.columns} · ` : ''}
                {formatBytes(dataset.size)} · {dataset.sha256.slice(0, 8)}
              </span>
            </button>
            <button
              type="button"
              className="icon-button danger"
              title="Remove"
              aria-label={`Remove ${dataset.name}`}
              onClick={() => void datasets.remove(dataset.name).then(() => showToast({ tone: 'info', message: `Removed ${dataset.name}` }))}
            >
              ✕
            </button>
          </li>
        ))}
        {stored?.length === 0 && <li className="empty">Drop a .csv or .json file on the notebook, then <code>await data.load('name.csv')</code>.</li>}
      </ul>
      <div className="panel-subtitle">Samples</div>
      <ul className="dataset-list">
        {SAMPLE_DATASETS.map((sample) => (
          <li key={sample.name} className="dataset-item" data-testid="sample-dataset" data-name={sample.name}>
            <button type="button" className="dataset-open" title={`Insert a cell that loads ${sample.name}`} onClick={() => insertLoadCell(sample.name)}>
              <span className="notebook-name">{sample.name}</span>
              <span className="notebook-meta">{sample.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
