/**
 * Notebook-level actions: open, create, duplicate, delete with undo, import and export. It owns
 * the switch between notebooks (flushing the old session before the new one opens).
 */
import { newNotebookId, type NotebookId } from '../lib/ids';
import { holdStartup } from '../lib/startup-quiet';
import type { Notebook } from '../core/notebook/types';
import { createCell, createNotebook } from '../core/notebook/create';
import type { Run } from '../core/tracking/types';
import { importIpynb, serializeIpynb } from '../core/ipynb';
import { errorMessage, KilnError } from '../core/errors';
import type { NotebooksRepository } from '../store/notebooks-repo';
import type { RunsRepository } from '../store/runs-repo';
import { appStore, showToast } from './app-store';
import { NotebookController } from './notebook-controller';
import { NotebookSession } from './notebook-session';
import { KernelRunner } from './kernel-runner';
import type { DatasetLibrary } from './dataset-library';
import { downloadFile, safeFileName } from './download';

export const DEMO_NOTEBOOK_URL = `${import.meta.env.BASE_URL}demo/penguins.ipynb`;

/** The demo notebook shipped in public/, created on a first visit. */
export async function fetchDemoNotebook(): Promise<Notebook> {
  const response = await fetch(DEMO_NOTEBOOK_URL);
  if (!response.ok) throw new Error(`${DEMO_NOTEBOOK_URL}: HTTP ${response.status}`);
  const result = importIpynb(await response.text(), { fileName: 'Penguins: from data to a deployable model.ipynb', notebookId: newNotebookId() });
  if (!result.ok) throw new Error(result.error.message);
  return result.notebook;
}

export class Workspace {
  constructor(
    private readonly repository: NotebooksRepository | null,
    private readonly datasets: DatasetLibrary,
    private readonly runs: RunsRepository | null,
  ) {}

  get canPersist(): boolean {
    return this.repository !== null;
  }

  /**
   * First screen: the requested notebook, else the last one opened, else the newest, else the
   * demo (first visit only), else a new one. Reads run together and the demo is fetched while
   * storage opens, because this path decides how soon the first cell is editable.
   */
  async openInitial(requestedId: NotebookId | null, demo: Promise<Notebook>): Promise<void> {
    const repository = this.repository;
    if (!repository) {
      const reason = appStore.get().storage;
      const notebook = await demo.catch(() => createNotebook('Untitled'));
      this.showSession(NotebookSession.inMemory(notebook, reason.status === 'unavailable' ? reason.message : 'Storage is unavailable'));
      return;
    }
    const [lastOpened, notebooks, wasDemoSeeded] = await Promise.all([repository.getLastOpened(), repository.list(), repository.wasDemoSeeded()]);
    for (const id of [requestedId, lastOpened, notebooks[0]?.id]) {
      if (id && (await this.open(id))) return;
    }
    if (!wasDemoSeeded) {
      const notebook = await demo.catch((error: unknown) => {
        showToast({ tone: 'error', message: `The demo notebook could not be loaded: ${errorMessage(error)}` });
        return null;
      });
      void repository.markDemoSeeded().catch(() => undefined); // at worst the demo is offered again
      if (notebook) return this.saveAndOpen(notebook);
    }
    await this.create();
  }

  async open(id: NotebookId): Promise<boolean> {
    if (!this.repository) return false;
    if (appStore.get().openNotebookId === id) return true;
    const stored = await this.repository.get(id);
    if (!stored) return false;
    await this.showStored(stored.notebook, stored.revision);
    return true;
  }

  create(name = 'Untitled'): Promise<void> {
    return reportFailure('Creating a notebook', () => this.saveAndOpen(createNotebook(name)));
  }

  duplicate(id: NotebookId): Promise<void> {
    return reportFailure('Duplicating the notebook', async () => {
      const stored = await this.repository?.get(id);
      if (!stored) return;
      const now = Date.now();
      const copy = createNotebook(`${stored.notebook.name} (copy)`, stored.notebook.cells, { language: stored.notebook.language, now });
      await this.saveAndOpen({ ...copy, ...(stored.notebook.metadata ? { metadata: stored.notebook.metadata } : {}) });
    });
  }

  rename(id: NotebookId, name: string): Promise<void> {
    return reportFailure('Renaming the notebook', async () => {
      const controller = appStore.get().controller;
      if (controller?.session.id === id) {
        await controller.session.rename(name);
      } else if (this.repository) {
        await this.repository.rename(id, name);
        NotebookSession.announceRename(id, name.trim());
      }
    });
  }

  /** "Open code of this run": the cells its kernel session executed, in order, as a new notebook. */
  openRunCode(run: Run): Promise<void> {
    return reportFailure('Opening the code of the run', async () => {
      const code = run.reproducibility?.code ?? [];
      const intro = createCell('markdown', `Code of run **${run.name}** (${run.id}), experiment *${run.experiment}*: every cell its kernel session executed before the run, in execution order.`);
      const cells = [intro, ...code.map((entry) => createCell('code', entry.source))];
      await this.saveAndOpen(createNotebook(`Code of ${run.name}`, cells));
      appStore.set({ view: 'notebook' });
    });
  }

  /** Moves a notebook to the trash with an Undo toast; the trash is emptied on a later visit. */
  delete(id: NotebookId, name: string): Promise<void> {
    return reportFailure('Deleting the notebook', () => this.trash(id, name));
  }

  private async trash(id: NotebookId, name: string): Promise<void> {
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
    let imported = false;
    await reportFailure(`Importing ${file.name}`, async () => {
      imported = await this.importNotebookFile(file);
    });
    return imported;
  }

  private async importNotebookFile(file: File): Promise<boolean> {
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

  private async saveAndOpen(notebook: Notebook): Promise<void> {
    if (!this.repository) {
      // Without storage the open notebook exists only on screen: replacing it would lose it.
      const current = appStore.get().controller;
      const discard = `Browser storage is unavailable, so “${current?.session.notebook.name ?? ''}” exists only in this tab. Open “${notebook.name}” instead and discard it? (Export it first to keep it.)`;
      if (current && !confirm(discard)) return;
      await this.closeCurrent();
      const storage = appStore.get().storage;
      this.showSession(NotebookSession.inMemory(notebook, storage.status === 'unavailable' ? storage.message : 'Browser storage is unavailable'));
      return;
    }
    const result = await this.repository.save(notebook);
    if (result.saved) await this.showStored(notebook, result.revision);
  }

  private async showStored(notebook: Notebook, revision: number): Promise<void> {
    if (!this.repository) return;
    await this.closeCurrent();
    this.showSession(await NotebookSession.open(this.repository, notebook, revision));
    void this.repository.setLastOpened(notebook.id).catch(() => undefined); // only decides what opens next visit
  }

  private async closeCurrent(): Promise<void> {
    const { controller: current, kernel } = appStore.get();
    if (!current) return;
    kernel?.shutdown();
    appStore.set({ controller: null, kernel: null, openNotebookId: null });
    await current.session.dispose();
  }

  private showSession(session: NotebookSession): void {
    const controller = new NotebookController(session);
    const kernel = new KernelRunner(controller, { readDataset: (name) => this.datasets.lookUp(name), runs: this.runs });
    appStore.set({ controller, kernel, openNotebookId: session.id });
    // The kernel (tfjs, danfo) starts at once, on its own thread, so the first run does not wait for
    // it; Monaco's evaluation on the main thread waits until that run is out (startup-quiet.ts).
    kernel.warmUp();
    holdStartup(kernel.whenSettled());
    history.replaceState(null, '', `#/notebook/${session.id}`);
  }
}

/** Runs a notebook action; an expected failure (full or missing storage) becomes an error toast, not a silent rejection. */
async function reportFailure(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const message = error instanceof KilnError ? error.message : `${what} failed: ${errorMessage(error)}`;
    showToast({ tone: 'error', message }, 12_000);
  }
}
