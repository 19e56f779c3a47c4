/**
 * The open notebook: the document in memory (source of truth while editing), its autosave to
 * IndexedDB, and its ownership among tabs. React renders `session.store`; everything that
 * changes the document goes through `edit()`, so autosave sees every change.
 */
import type { NotebookId } from '../lib/ids';
import type { Notebook } from '../core/notebook/types';
import { applyEdit, type NotebookEdit } from '../core/notebook/transitions';
import { errorMessage, KilnError } from '../core/errors';
import type { NotebooksRepository } from '../store/notebooks-repo';
import { createStore, type Store } from './create-store';
import { acquireNotebookLock, type HeldLock } from './notebook-lock';

/** Edits are written this long after the last change (and at most every SAVE_MAX_WAIT_MS while typing). */
const SAVE_DEBOUNCE_MS = 250;
const SAVE_MAX_WAIT_MS = 700;

export type SaveState =
  | { readonly status: 'saved'; readonly at: number }
  | { readonly status: 'pending' }
  | { readonly status: 'saving' }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'memory-only'; readonly message: string }
  | { readonly status: 'read-only'; readonly reason: 'other-tab' | 'taken-over' | 'conflict' };

export type SessionState = {
  readonly notebook: Notebook;
  readonly save: SaveState;
  /** Revision of the stored copy this tab last read or wrote. */
  readonly revision: number;
};

const CHANNEL_NAME = 'kiln-notebooks';
/** How long a tab taking a notebook over waits for the owner to write its last edits and step down. */
const HANDOVER_TIMEOUT_MS = 1500;
type ChannelMessage =
  | { type: 'saved'; notebookId: NotebookId; revision: number }
  /** A read-only tab wants to take over: the owner writes what it has and steps down. */
  | { type: 'handover-request'; notebookId: NotebookId; requestId: string }
  | { type: 'handed-over'; notebookId: NotebookId; requestId: string }
  /** A tab renamed the notebook in the database: every tab that has it open shows the new name. */
  | { type: 'renamed'; notebookId: NotebookId; name: string };

export class NotebookSession {
  readonly store: Store<SessionState>;
  private lock: HeldLock | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private firstUnsavedEditAt = 0;
  private saving: Promise<void> | null = null;
  private isDirty = false;
  private readonly channel: BroadcastChannel | null;
  private disposed = false;

  private constructor(
    notebook: Notebook,
    revision: number,
    private readonly repository: NotebooksRepository | null,
    initialSave: SaveState,
  ) {
    this.store = createStore<SessionState>({ notebook, revision, save: initialSave });
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME);
    this.channel?.addEventListener('message', (event: MessageEvent<ChannelMessage>) => void this.onChannelMessage(event.data));
  }

  /** Opens a stored notebook, taking ownership if no other tab has it. */
  static async open(repository: NotebooksRepository, notebook: Notebook, revision: number): Promise<NotebookSession> {
    const session = new NotebookSession(notebook, revision, repository, { status: 'saved', at: notebook.updatedAt });
    await session.claim(false);
    return session;
  }

  /** Tells every tab that has notebook `id` open (this one included) its new, stored name. */
  static announceRename(id: NotebookId, name: string): void {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(CHANNEL_NAME);
    channel.postMessage({ type: 'renamed', notebookId: id, name } satisfies ChannelMessage);
    channel.close();
  }

  /** A session that cannot persist (IndexedDB unavailable): edits live in memory and say so. */
  static inMemory(notebook: Notebook, reason: string): NotebookSession {
    return new NotebookSession(notebook, 0, null, { status: 'memory-only', message: reason });
  }

  get notebook(): Notebook {
    return this.store.get().notebook;
  }

  get id(): NotebookId {
    return this.notebook.id;
  }

  get isReadOnly(): boolean {
    return this.store.get().save.status === 'read-only';
  }

  /**
   * Renames the notebook, whether this tab writes it or has it read-only: shown here at once,
   * written to the database (saves never change a stored name), announced to the other tabs.
   */
  async rename(name: string): Promise<void> {
    const trimmed = name.trim();
    if (!trimmed || this.disposed) return;
    this.takeName(trimmed);
    if (!this.repository) return;
    await this.repository.rename(this.id, trimmed);
    NotebookSession.announceRename(this.id, trimmed);
  }

  /** Shows `name` as the notebook's, read-only or not; a writing tab also saves it (memory-only ones keep it). */
  private takeName(name: string): void {
    const current = this.notebook;
    if (current.name === name || this.disposed) return;
    const next = applyEdit(current, { type: 'rename', name }, { now: Date.now() });
    if (this.isReadOnly) this.store.set({ notebook: next });
    else this.replaceNotebook(next);
  }

  /** Applies a document edit and schedules its save. Read-only sessions ignore edits. */
  edit(edit: NotebookEdit): void {
    if (this.isReadOnly || this.disposed) return;
    const current = this.notebook;
    const next = applyEdit(current, edit, { now: Date.now() });
    if (next !== current) this.replaceNotebook(next);
  }

  /** Replaces the whole document (used for undo of deletions and kernel outputs). */
  replaceNotebook(next: Notebook): void {
    if (this.isReadOnly || this.disposed) return;
    const save = this.store.get().save;
    this.store.set({ notebook: next, save: save.status === 'memory-only' || save.status === 'failed' ? save : { status: 'pending' } });
    this.scheduleSave();
  }

  /**
   * Takes the notebook over from another tab: this tab becomes the writer and reloads the stored
   * copy. The owner is asked first to write its pending edits and step down, so nothing typed
   * there is lost; an owner that does not answer (hung, or closed meanwhile) is overruled.
   */
  async takeOver(): Promise<void> {
    await this.requestHandover();
    await this.claim(true);
  }

  private async requestHandover(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    const requestId = crypto.randomUUID();
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        channel.removeEventListener('message', onMessage);
        resolve();
      };
      const onMessage = (event: MessageEvent<ChannelMessage>): void => {
        const message = event.data;
        if (message.type === 'handed-over' && message.requestId === requestId) done();
      };
      const timer = setTimeout(done, HANDOVER_TIMEOUT_MS);
      channel.addEventListener('message', onMessage);
      channel.postMessage({ type: 'handover-request', notebookId: this.id, requestId } satisfies ChannelMessage);
    });
  }

  /** The owner's side of a handover: write everything, stop writing, let the other tab in. */
  private async handOver(requestId: string): Promise<void> {
    if (!this.lock || this.disposed) return;
    await this.flush();
    this.lock.release();
    this.onLockLost();
    this.channel?.postMessage({ type: 'handed-over', notebookId: this.id, requestId } satisfies ChannelMessage);
  }

  /**
   * Writes pending edits now (page hide, switching notebooks, a handover), including edits made
   * while it waits for a save already running.
   */
  async flush(): Promise<void> {
    while (this.saveTimer !== undefined || this.saving) {
      if (this.saveTimer !== undefined) {
        clearTimeout(this.saveTimer);
        this.saveTimer = undefined;
        await this.save();
      } else {
        await this.saving;
      }
    }
  }

  async dispose(): Promise<void> {
    await this.flush();
    this.disposed = true;
    this.lock?.release();
    this.channel?.close();
  }

  private async claim(steal: boolean): Promise<void> {
    if (!this.repository) return;
    const lock = await acquireNotebookLock(this.id, { steal, onLost: () => this.onLockLost() });
    if (!lock) {
      this.store.set({ save: { status: 'read-only', reason: 'other-tab' } });
      return;
    }
    this.lock = lock;
    if (steal) await this.reloadFromStore({ status: 'saved', at: Date.now() });
  }

  private onLockLost(): void {
    this.lock = null;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.store.set({ save: { status: 'read-only', reason: 'taken-over' } });
  }

  private async reloadFromStore(save: SaveState): Promise<void> {
    const stored = await this.repository?.get(this.id);
    if (stored) this.store.set({ notebook: stored.notebook, revision: stored.revision, save });
  }

  /**
   * A read-only tab mirrors what the writing tab saves, so it never shows stale content; every
   * tab shows a rename made in another.
   */
  private async onChannelMessage(message: ChannelMessage): Promise<void> {
    if (message.notebookId !== this.id) return;
    if (message.type === 'handover-request') await this.handOver(message.requestId);
    else if (message.type === 'renamed') this.takeName(message.name);
    else if (message.type === 'saved' && this.isReadOnly && message.revision > this.store.get().revision) {
      await this.reloadFromStore(this.store.get().save);
    }
  }

  private scheduleSave(): void {
    if (!this.repository) return;
    const now = Date.now();
    if (this.saveTimer === undefined) this.firstUnsavedEditAt = now;
    clearTimeout(this.saveTimer);
    const waited = now - this.firstUnsavedEditAt;
    const delay = Math.max(0, Math.min(SAVE_DEBOUNCE_MS, SAVE_MAX_WAIT_MS - waited));
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, delay);
  }

  private async save(): Promise<void> {
    if (!this.repository || this.isReadOnly) return;
    if (this.saving) {
      // One write at a time; the edits made meanwhile are written right after.
      this.isDirty = true;
      return;
    }
    const repository = this.repository;
    this.saving = (async () => {
      do {
        this.isDirty = false;
        const { notebook, revision } = this.store.get();
        this.store.set({ save: { status: 'saving' } });
        try {
          const result = await repository.save(notebook, revision);
          if (!result.saved) {
            this.store.set({ save: { status: 'read-only', reason: 'conflict' } });
            return;
          }
          this.channel?.postMessage({ type: 'saved', notebookId: notebook.id, revision: result.revision } satisfies ChannelMessage);
          const isCurrent = this.store.get().notebook === notebook;
          this.store.set({ revision: result.revision, save: isCurrent ? { status: 'saved', at: Date.now() } : { status: 'pending' } });
        } catch (error) {
          const message = error instanceof KilnError ? error.message : `Saving failed: ${errorMessage(error)}`;
          this.store.set({ save: { status: 'failed', message } });
          return;
        }
      } while (this.isDirty);
    })();
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
  }
}

