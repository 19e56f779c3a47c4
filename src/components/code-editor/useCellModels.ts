import { useEffect, useState } from 'react';
import { loadMonaco, monacoIfLoaded } from './load-monaco';
import { languageIdOf, modelUriFor } from './cell-models';

type CodeCell = { readonly id: string; readonly type: string; readonly source: string };

/**
 * One Monaco model per code cell of the open notebook, whether or not its editor is mounted:
 * TypeScript then sees every cell's declarations (a cell far down does not get false "cannot find
 * name" errors for names declared in cells never scrolled near), and models of deleted cells or
 * of the previous notebook are disposed, so their names stop completing.
 */
export function useCellModels(cells: readonly CodeCell[], language: string): void {
  const [monaco, setMonaco] = useState(monacoIfLoaded);

  useEffect(() => {
    if (monaco) return;
    let isCancelled = false;
    void loadMonaco().then((loaded) => !isCancelled && setMonaco(loaded));
    return () => {
      isCancelled = true;
    };
  }, [monaco]);

  useEffect(() => {
    if (!monaco) return;
    const wanted = new Map(cells.filter((cell) => cell.type === 'code').map((cell) => [modelUriFor(cell.id, language), cell.source]));
    const codeExtension = modelUriFor('', language).replace('file:///notebook/', '');
    for (const model of monaco.editor.getModels()) {
      const uri = model.uri.toString();
      // Markdown cells' models belong to their (mounted) editors; only code models are managed here.
      if (!uri.startsWith('file:///notebook/') || !uri.endsWith(codeExtension)) continue;
      const source = wanted.get(uri);
      if (source === undefined) model.dispose();
      else if (model.getValue() !== source) model.setValue(source);
      wanted.delete(uri);
    }
    for (const [uri, source] of wanted) monaco.editor.createModel(source, languageIdOf(language), monaco.Uri.parse(uri));
  }, [monaco, cells, language]);
}
