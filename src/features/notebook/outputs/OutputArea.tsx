import type { CellOutput, DisplayBundle, ErrorOutput } from '../../../core/outputs';
import { assertNever } from '../../../lib/invariant';
import { DataTable } from '../../../components/DataTable';
import { Chart } from '../../../components/Chart';
import { Markdown } from '../../../components/Markdown';
import { sanitizeHtml } from '../../../components/sanitize';
import { JsonTree } from './JsonTree';
import { MimeBundleView } from './MimeBundleView';
import { TrainingProgress } from './TrainingProgress';

export function OutputArea({ outputs }: { outputs: readonly CellOutput[] }) {
  if (outputs.length === 0) return null;
  return (
    <div className="output-area" data-testid="cell-outputs">
      {outputs.map((output, position) => (
        <OutputView key={output.type === 'display' && output.displayId ? output.displayId : position} output={output} />
      ))}
    </div>
  );
}

function OutputView({ output }: { output: CellOutput }) {
  switch (output.type) {
    case 'stream':
      return <pre className={`output-stream ${output.name}`}>{output.text}</pre>;
    case 'error':
      return <ErrorView error={output} />;
    case 'display':
      return (
        <div className={`output-display ${output.isResult ? 'is-result' : ''}`} data-kind={output.bundle.kind}>
          <BundleView bundle={output.bundle} />
        </div>
      );
    default:
      return assertNever(output, 'output');
  }
}

function ErrorView({ error }: { error: ErrorOutput }) {
  const where = error.line !== undefined ? ` (line ${error.line}${error.column !== undefined ? `, column ${error.column}` : ''})` : '';
  return (
    <div className="output-error" role="alert" data-testid="cell-error">
      <div className="error-headline">
        <strong>{error.name}</strong>: {error.message}
        <span className="error-where">{where}</span>
      </div>
      {error.traceback.length > 0 && <pre className="error-traceback">{error.traceback.join('\n')}</pre>}
    </div>
  );
}

export function BundleView({ bundle }: { bundle: DisplayBundle }) {
  switch (bundle.kind) {
    case 'text':
      return <pre className="output-text">{bundle.text}</pre>;
    case 'markdown':
      return <Markdown source={bundle.markdown} />;
    case 'html':
      return <div className="output-html" dangerouslySetInnerHTML={{ __html: sanitizeHtml(bundle.html) }} />;
    case 'json':
      return <JsonTree value={bundle.value} />;
    case 'table':
      return <DataTable columns={bundle.columns} index={bundle.index} rows={bundle.rows} shape={bundle.shape} />;
    case 'tensor':
      return (
        <div className="output-tensor">
          <div className="tensor-meta">
            Tensor · shape [{bundle.shape.join(', ')}] · {bundle.dtype} · {bundle.size.toLocaleString()} values
          </div>
          <pre>{bundle.preview}</pre>
        </div>
      );
    case 'plotly':
      return <Chart data={bundle.data} layout={bundle.layout} />;
    case 'image':
      return <img className="output-image" alt="cell output" width={bundle.width} height={bundle.height} src={`data:${bundle.mime};base64,${bundle.base64}`} />;
    case 'model':
      return (
        <div className="output-model">
          <div className="tensor-meta">Model “{bundle.name}”</div>
          <table className="model-summary">
            <thead>
              <tr><th>Layer</th><th>Type</th><th>Output shape</th><th>Params</th></tr>
            </thead>
            <tbody>
              {bundle.layers.map((layer) => (
                <tr key={layer.name}><td>{layer.name}</td><td>{layer.type}</td><td>{layer.outputShape}</td><td className="numeric">{layer.params.toLocaleString()}</td></tr>
              ))}
            </tbody>
          </table>
          <div className="tensor-meta">
            Total params: {bundle.totalParams.toLocaleString()} · trainable: {bundle.trainableParams.toLocaleString()}
          </div>
        </div>
      );
    case 'progress':
      return <TrainingProgress progress={bundle} />;
    case 'mime':
      return <MimeBundleView data={bundle.data} />;
    default:
      return assertNever(bundle, 'display bundle');
  }
}
