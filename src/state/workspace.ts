/**
 * Notebook-level actions: open, create, duplicate, delete with undo, import and export. It owns
 * the switch between notebooks (flushing the old session before the new one opens).
 */
import { newNotebookId, type NotebookId } from '../lib/ids';
import type { Notebook } from '../core/notebook/types';
import { createNotebook } from '../core/notebook/create';
import { importIpynb, serializeIpynb } from '../core/ipynb';
import { errorMessage } from '../core/errors';
import type { NotebooksRepository } from '../store/notebooks-repo';
import { appStore, showToast } from './app-store';
import { NotebookController } from './notebook-controller';
import { NotebookSession } from './notebook-session';
import { downloadFile, safeFileName } from './download';

export const DEMO_NOTEBOOK_URL = `${import.meta.env.BASE_URL}demo/penguins.ipynb`;

export class Workspace {
  constructor(private readonly repository: NotebooksRepository | null) {}

  get canPersist(): boolean {
    return this.repository !== null;
  }

  /** First screen: the last notebook, else the newest, else the demo (first visit only), else a new one. */
  async openInitial(requestedId: NotebookId | null): Promise<void> {
    const repository = this.repository;
    if (!repository) {
      const reason = appStore.get().storage;
      const demo = await this.fetchDemo().catch(() => createNotebook('Untitled'));
      this.showSession(NotebookSession.inMemory(demo, reason.status === 'unavailable' ? reason.message : 'Storage is unavailable'));
      return;
    }
    const candidates = [requestedId, await repository.getLastOpened()];
    for (const id of candidates) {
      if (id && (await this.open(id))) return;
    }
    const [newest] = await repository.list();
    if (newest && (await this.open(newest.id))) return;
    if (!(await repository.wasDemoSeeded())) {
      const demo = await this.fetchDemo().catch((error: unknown) => {
        showToast({ tone: 'error', message: `The demo notebook could not be loaded: ${errorMessage(error)}` });
        return null;
      });
      await repository.markDemoSeeded();
      if (demo) return this.saveAndOpen(demo);
    }
    await this.create();
  }

  async open(id: NotebookId): Promise<boolean> {
    if (!this.repository) return false;
    if (appStore.get().openNotebookId === id) return true;
    const stored = await this.repository.get(id);
    if (!stored) return false;
    await this.closeCurrent();
    const session = await NotebookSession.open(this.repository, stored.notebook, stored.revision);
    this.showSession(session);
    await this.repository.setLastOpened(id);
    return true;
  }

  async create(name = 'Untitled'): Promise<void> {
    await this.saveAndOpen(createNotebook(name));
  }

  async duplicate(id: NotebookId): Promise<void> {
    const stored = await this.repository?.get(id);
    if (!stored) return;
    const now = Date.now();
    const copy = createNotebook(`${stored.notebook.name} (copy)`, stored.notebook.cells, { language: stored.notebook.language, now });
    await this.saveAndOpen({ ...copy, ...(stored.notebook.metadata ? { metadata: stored.notebook.metadata } : {}) });
  }

  async rename(id: NotebookId, name: string): Promise<void> {
    const controller = appStore.get().controller;
    if (controller?.session.id === id) controller.rename(name);
    else await this.repository?.rename(id, name);
  }

  /** Moves a notebook to the trash with an Undo toast; the trash is emptied on a later visit. */
  async delete(id: NotebookId, name: string): Promise<void> {
    if (!this.repository) return;
    const repository = this.repository;
    const wasOpen = appStore.get().openNotebookId === id;
    if (wasOpen) await this.closeCurrent();
    await repository.trash(id);
    showToast({
      tone: 'info',
      message: `Deleted “${name}”`,
      action: { label: 'Undo', run: () => void repository.restore(id).then(() => wasOpen && this.open(id)) },
    }, 10_000);
    if (wasOpen) {
      const [next] = await repository.list();
      if (next) await this.open(next.id);
      else await this.create();
    }
  }

  /** Imports a .ipynb file; a bad file changes nothing and says what is wrong and where. */
  async importFile(file: File): Promise<boolean> {
    const text = await file.text();
    const result = importIpynb(text, { fileName: file.name, notebookId: newNotebookId() });
    if (!result.ok) {
      showToast({ tone: 'error', message: `Could not import ${file.name}: ${result.error.message}` }, 12_000);
      return false;
    }
    await this.saveAndOpen(result.notebook);
    showToast({ tone: 'info', message: `Imported ${file.name} (${result.notebook.cells.length} cells)` });
    return true;
  }

  exportIpynb(notebook: Notebook): void {
    downloadFile(`${safeFileName(notebook.name)}.ipynb`, serializeIpynb(notebook), 'application/x-ipynb+json');
  }

  async exportHtml(notebook: Notebook): Promise<void> {
    const { renderNotebookHtml } = await import('../features/export-html/notebook-html');
    downloadFile(`${safeFileName(notebook.name)}.html`, await renderNotebookHtml(notebook), 'text/html');
  }

  private async fetchDemo(): Promise<Notebook> {
    const response = await fetch(DEMO_NOTEBOOK_URL);
    if (!response.ok) throw new Error(`${DEMO_NOTEBOOK_URL}: HTTP ${response.status}`);
    const result = importIpynb(await response.text(), { fileName: 'Penguins: from data to a deployable model.ipynb', notebookId: newNotebookId() });
    if (!result.ok) throw new Error(result.error.message);
    return result.notebook;
  }

  private async saveAndOpen(notebook: Notebook): Promise<void> {
    if (!this.repository) {
      this.showSession(NotebookSession.inMemory(notebook, 'Storage is unavailable'));
      return;
    }
    await this.repository.save(notebook);
    await this.open(notebook.id);
  }

  private async closeCurrent(): Promise<void> {
    const current = appStore.get().controller;
    if (!current) return;
    appStore.set({ controller: null, openNotebookId: null });
    await current.session.dispose();
  }

  private showSession(session: NotebookSession): void {
    const controller = new NotebookController(session);
    appStore.set({ controller, openNotebookId: session.id });
    history.replaceState(null, '', `#/notebook/${session.id}`);
  }
}
