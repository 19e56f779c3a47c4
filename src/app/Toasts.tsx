import { appStore, dismissToast } from '../state/app-store';
import { useStore } from '../state/create-store';

export function Toasts() {
  const toasts = useStore(appStore, (state) => state.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast tone-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'} data-testid="toast">
          <span>{toast.message}</span>
          {toast.action && (
            <button type="button" className="button" onClick={() => { toast.action?.run(); dismissToast(toast.id); }}>
              {toast.action.label}
            </button>
          )}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(toast.id)}>✕</button>
        </div>
      ))}
    </div>
  );
}
