import { Component, type ReactNode } from 'react';

/** The one boundary: a bug in a view shows a message instead of a blank page; stored data is untouched. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="fatal-error" role="alert">
        <h1>Kiln hit a bug</h1>
        <p>Your notebooks are safe in this browser's storage. Reload the page to continue.</p>
        <pre>{this.state.error.stack ?? this.state.error.message}</pre>
        <button type="button" className="button primary" onClick={() => location.reload()}>Reload</button>
      </div>
    );
  }
}
