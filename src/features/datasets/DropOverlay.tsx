import { useCallback } from 'react';
import { useServices } from '../../app/services';
import { addDatasetFiles } from './add-datasets';
import { useFileDrop } from './useFileDrop';

/** Covers the page while files are dragged over it; dropping adds them as datasets. */
export function DropOverlay() {
  const { datasets } = useServices();
  const onFiles = useCallback((files: File[]) => void addDatasetFiles(datasets, files), [datasets]);
  const isDragging = useFileDrop(onFiles);
  if (!isDragging) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" aria-hidden>
      <div className="drop-message">Drop .csv or .json files to add them as datasets</div>
    </div>
  );
}
