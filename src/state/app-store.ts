/**
 * The app's one store outside React: which notebook is open, the storage situation, toasts and
 * dialogs. Stored data (the notebook list) is read with live queries, not copied here.
 */
import type { NotebookId } from '../lib/ids';
import { createStore } from './create-store';
import type { NotebookController } from './notebook-controller';
import type { KernelRunner } from './kernel-runner';

export type Toast = {
  readonly id: number;
  readonly message: string;
  readonly tone: 'info' | 'error';
  readonly action?: { readonly label: string; readonly run: () => void };
};

export type Dialog = 'shortcuts' | null;

export type StorageState = { readonly status: 'ready' } | { readonly status: 'unavailable'; readonly message: string };

/** The notebook, the runs (experiment tracking) of every notebook, or the model registry. */
export type View = 'notebook' | 'runs' | 'models';

export type AppState = {
  readonly view: View;
  readonly storage: StorageState;
  readonly openNotebookId: NotebookId | null;
  readonly controller: NotebookController | null;
  /** The kernel of the open notebook; started in the background once the notebook shows. */
  readonly kernel: KernelRunner | null;
  readonly toasts: readonly Toast[];
  readonly dialog: Dialog;
};

export const appStore = createStore<AppState>({
  view: 'notebook',
  storage: { status: 'ready' },
  openNotebookId: null,
  controller: null,
  kernel: null,
  toasts: [],
  dialog: null,
});

let nextToastId = 1;
const TOAST_MS = 6000;

export function showToast(toast: Omit<Toast, 'id'>, durationMs = TOAST_MS): void {
  const id = nextToastId++;
  appStore.set((state) => ({ toasts: [...state.toasts, { ...toast, id }] }));
  setTimeout(() => dismissToast(id), durationMs);
}

export function dismissToast(id: number): void {
  appStore.set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) }));
}
