import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../../core/errors';
import { formatBytes } from '../../lib/format-bytes';
import { useServices } from '../../app/services';
import { showToast } from '../../state/app-store';
import type { ExportProgress, ExportRequest, ExportResult } from '../../state/artifact-export';

export type ExportStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly progress: ExportProgress }
  | { readonly kind: 'done'; readonly result: ExportResult }
  | { readonly kind: 'failed'; readonly message: string };

export function describeExport(result: ExportResult): string {
  return `Downloaded ${result.fileName} (${formatBytes(result.bytes)}) in ${(result.milliseconds / 1000).toFixed(2)} s.`;
}

/** Runs one export at a time and keeps its progress, result or failure for the UI to show inline. */
export function useArtifactExport(): { status: ExportStatus; start: (request: ExportRequest) => Promise<void> } {
  const { runs, registry } = useServices();
  const [status, setStatus] = useState<ExportStatus>({ kind: 'idle' });
  useEffect(() => {
    // Warm up after the view has painted: the export click then costs only the model's own work.
    const timer = setTimeout(() => void import('../../state/artifact-export').then((module) => module.prepareExport()), 500);
    return () => clearTimeout(timer);
  }, []);
  const start = useCallback(
    async (request: ExportRequest) => {
      if (!runs) return setStatus({ kind: 'failed', message: 'Browser storage is unavailable, so there is no saved model to export.' });
      setStatus({ kind: 'running', progress: { phase: 'Starting', fraction: 0 } });
      try {
        // The server sources, sucrase and tfjs load with the export, not with the view.
        const { exportArtifact } = await import('../../state/artifact-export');
        const result = await exportArtifact({ runs, registry }, request, (progress) => setStatus({ kind: 'running', progress }));
        setStatus({ kind: 'done', result });
        showToast({ message: describeExport(result), tone: 'info' });
      } catch (error) {
        setStatus({ kind: 'failed', message: errorMessage(error) });
      }
    },
    [runs, registry],
  );
  return { status, start };
}
