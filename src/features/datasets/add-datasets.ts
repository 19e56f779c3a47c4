/**
 * Adding files as datasets, from the upload button or a drop: each file is checked and stored,
 * and the user is told what happened, with the code to load it one click away.
 */
import type { DatasetLibrary } from '../../state/dataset-library';
import { appStore, showToast } from '../../state/app-store';
import { formatBytes } from '../../lib/format-bytes';

export async function addDatasetFiles(library: DatasetLibrary, files: readonly File[]): Promise<void> {
  for (const file of files) {
    const added = await library.add(file);
    if (!added.ok) {
      showToast({ tone: 'error', message: `Dataset not added: ${added.message}` }, 12_000);
      continue;
    }
    const { dataset, replaced } = added;
    showToast({
      tone: 'info',
      message: `${replaced ? 'Replaced' : 'Added'} ${dataset.name}: ${dataset.rows.toLocaleString()} rows × ${dataset.columns} columns, ${formatBytes(dataset.size)}, SHA-256 ${dataset.sha256.slice(0, 12)}…`,
      action: { label: 'Insert a cell that loads it', run: () => insertLoadCell(dataset.name) },
    });
  }
}

/** A code cell below the selected one: `const sales = await data.load('sales.csv');` */
export function insertLoadCell(fileName: string): void {
  const controller = appStore.get().controller;
  if (!controller || controller.session.isReadOnly) return;
  const cell = controller.insert('below', 'code', loadCode(fileName));
  controller.enterEditMode(cell.id);
}

export function loadCode(fileName: string): string {
  return `const ${variableNameFor(fileName)} = await data.load(${JSON.stringify(fileName)});\n${variableNameFor(fileName)}.head()`;
}

/** `sales 2024.csv` → `sales_2024`; names that cannot start an identifier get a prefix. */
export function variableNameFor(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '').replace(/[^\w$]+/g, '_').replace(/^_+|_+$/g, '');
  if (stem === '') return 'table';
  return /^[A-Za-z_$]/.test(stem) ? stem : `data_${stem}`;
}
