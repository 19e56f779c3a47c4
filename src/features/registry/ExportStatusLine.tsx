import { describeExport, type ExportStatus } from './useArtifactExport';

/** Progress while an export runs, then what was downloaded (with its caveats) or why it failed. */
export function ExportStatusLine({ status }: { status: ExportStatus }) {
  switch (status.kind) {
    case 'idle':
      return null;
    case 'running':
      return (
        <div className="export-status" role="status" data-testid="export-progress">
          <progress max={1} value={status.progress.fraction} /> {status.progress.phase}…
        </div>
      );
    case 'done':
      return (
        <div className="export-status" role="status" data-testid="export-done">
          {describeExport(status.result)}
          {status.result.warnings.map((warning) => (
            <div key={warning} className="export-warning">{warning}</div>
          ))}
        </div>
      );
    case 'failed':
      return (
        <div className="export-status export-error" role="alert" data-testid="export-error">
          {status.message}
        </div>
      );
  }
}
