import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type * as MonacoApi from 'monaco-editor/editor/editor.api';
import { loadMonaco, monacoIfLoaded } from './load-monaco';
import { runModeOf, type EditorKeyHandlers } from './editor-keys';
import { modelUriFor, languageIdOf } from './cell-models';
import { useIsNearViewport } from './useIsNearViewport';
import { queueEditorUpgrade } from './upgrade-queue';
import { usePrefersDark } from '../usePrefersDark';

type Props = {
  cellId: string;
  value: string;
  language: string;
  isReadOnly: boolean;
  /** Set when the notebook enters edit mode on this cell: the editor takes focus. */
  shouldFocus: boolean;
  onChange(value: string): void;
  onFocus(): void;
  keys: EditorKeyHandlers;
  /** Lines to mark as erroneous (1-based), e.g. from the last run's error. */
  errorLine?: number | undefined;
};

const LINE_HEIGHT = 19;
const VERTICAL_PADDING = 8;

/**
 * A cell's editor. It is a plain textarea at first (instantly editable, no download), and becomes
 * Monaco once Monaco has loaded and the cell is near the viewport; far-away cells drop their
 * Monaco instance again, so a 200-cell notebook keeps only a handful alive.
 */
export function CodeEditor(props: Props) {
  const wrapperRef = useRef<HTMLDivElement>(null);
  const isNear = useIsNearViewport(wrapperRef);
  const [monaco, setMonaco] = useState(monacoIfLoaded);

  useEffect(() => {
    if (monaco || !isNear) return;
    let isCancelled = false;
    let leaveQueue = () => {};
    void loadMonaco().then((loaded) => {
      if (isCancelled) return;
      const isFocused = () => wrapperRef.current?.contains(document.activeElement) ?? false;
      leaveQueue = queueEditorUpgrade(() => setMonaco(loaded), isFocused);
    });
    return () => {
      isCancelled = true;
      leaveQueue();
    };
  }, [monaco, isNear]);

  // A cell being edited is on screen by definition; with Monaco loaded it starts as Monaco rather
  // than as a textarea that is swapped a frame later, under the keys the user is already typing.
  const useMonaco = monaco !== null && (isNear || props.shouldFocus);
  return (
    <div
      ref={wrapperRef}
      className="code-editor"
      data-testid="cell-editor"
      data-editable={props.isReadOnly ? 'false' : 'true'}
      data-engine={useMonaco ? 'monaco' : 'plain'}
    >
      {useMonaco ? <MonacoEditor monaco={monaco} {...props} /> : <PlainEditor {...props} />}
    </div>
  );
}

/**
 * Where the caret was in a focused plain editor when Monaco replaced it, by cell: the user may be
 * typing at that moment, and their next keys must land where they were typing.
 */
const caretHandover = new Map<string, number>();

function PlainEditor({ cellId, value, isReadOnly, shouldFocus, onChange, onFocus, keys }: Props) {
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const lineCount = value.split('\n').length;

  useEffect(() => {
    if (shouldFocus) textareaRef.current?.focus();
  }, [shouldFocus]);

  // Tracked from events, not read at unmount: by then the textarea may have left the document.
  // A layout effect, so the caret is handed over before Monaco's (layout) effect takes it.
  const caret = useRef<number | null>(null);
  useLayoutEffect(
    () => () => {
      if (caret.current !== null) caretHandover.set(cellId, caret.current);
    },
    [cellId],
  );
  const trackCaret = (event: { currentTarget: HTMLTextAreaElement }) => {
    caret.current = event.currentTarget.selectionEnd;
  };

  return (
    <textarea
      ref={textareaRef}
      className="plain-editor"
      aria-label="Cell source"
      spellCheck={false}
      readOnly={isReadOnly}
      value={value}
      rows={lineCount}
      style={{ height: lineCount * LINE_HEIGHT + VERTICAL_PADDING }}
      onFocus={(event) => {
        trackCaret(event);
        onFocus();
      }}
      onBlur={() => (caret.current = null)}
      onSelect={trackCaret}
      onChange={(event) => {
        trackCaret(event);
        onChange(event.target.value);
      }}
      onKeyDown={(event) => {
        const mode = runModeOf(event);
        if (mode) {
          event.preventDefault();
          keys.onRun(mode);
        } else if (event.key === 'Escape') {
          event.preventDefault();
          keys.onEscape();
        } else if (event.key === 'Tab' && !event.shiftKey) {
          event.preventDefault();
          const target = event.currentTarget;
          const { selectionStart, selectionEnd } = target;
          onChange(value.slice(0, selectionStart) + '  ' + value.slice(selectionEnd));
          requestAnimationFrame(() => target.setSelectionRange(selectionStart + 2, selectionStart + 2));
        }
      }}
    />
  );
}

type MonacoProps = Props & { monaco: typeof MonacoApi };

function MonacoEditor({ monaco, cellId, value, language, isReadOnly, shouldFocus, onChange, onFocus, keys, errorLine }: MonacoProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<MonacoApi.editor.IStandaloneCodeEditor | null>(null);
  // Handlers change every render; the editor's listeners read the latest through a ref.
  const latest = useRef({ onChange, onFocus, keys });
  latest.current = { onChange, onFocus, keys };
  const isDark = usePrefersDark();

  // A layout effect: the editor exists and has the focus in the same task as the commit that
  // removed the plain textarea, so no keystroke falls in between (onto the page, lost).
  useLayoutEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const uri = monaco.Uri.parse(modelUriFor(cellId, language));
    const model = monaco.editor.getModel(uri) ?? monaco.editor.createModel(value, languageIdOf(language), uri);
    if (model.getValue() !== value) model.setValue(value);
    const editor = monaco.editor.create(container, {
      model,
      readOnly: isReadOnly,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      scrollbar: { vertical: 'hidden', alwaysConsumeMouseWheel: false, horizontalScrollbarSize: 8 },
      overviewRulerLanes: 0,
      lineNumbers: 'on',
      lineNumbersMinChars: 3,
      glyphMargin: false,
      folding: false,
      fontSize: 13,
      lineHeight: LINE_HEIGHT,
      padding: { top: 4, bottom: 4 },
      renderLineHighlight: 'none',
      matchBrackets: 'always',
      automaticLayout: false,
      wordWrap: language === 'markdown' ? 'on' : 'off',
      fixedOverflowWidgets: true,
      tabSize: 2,
      // Monaco's experimental EditContext input drops the first key typed right after the editor
      // takes focus (as when a new cell's textarea hands over to Monaco); its textarea does not.
      editContext: false,
    });
    editorRef.current = editor;
    const caret = caretHandover.get(cellId);
    if (caret !== undefined) {
      caretHandover.delete(cellId);
      editor.setPosition(model.getPositionAt(caret));
      editor.focus();
    }

    const fitHeight = () => {
      container.style.height = `${editor.getContentHeight()}px`;
      editor.layout({ width: container.clientWidth, height: editor.getContentHeight() });
    };
    fitHeight();
    const resizeObserver = new ResizeObserver(() => editor.layout({ width: container.clientWidth, height: editor.getContentHeight() }));
    resizeObserver.observe(container);

    const whenNoWidgetOpen = '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible';
    const actions = [
      editor.addAction({ id: 'kiln.run-advance', label: 'Run cell and select below', keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter], run: () => latest.current.keys.onRun('advance') }),
      editor.addAction({ id: 'kiln.run-in-place', label: 'Run cell', keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => latest.current.keys.onRun('in-place') }),
      editor.addAction({ id: 'kiln.run-insert', label: 'Run cell and insert below', keybindings: [monaco.KeyMod.Alt | monaco.KeyCode.Enter], run: () => latest.current.keys.onRun('insert-below') }),
      editor.addAction({ id: 'kiln.command-mode', label: 'Command mode', keybindings: [monaco.KeyCode.Escape], precondition: whenNoWidgetOpen, run: () => latest.current.keys.onEscape() }),
    ];
    const subscriptions = [
      editor.onDidContentSizeChange(fitHeight),
      editor.onDidChangeModelContent(() => latest.current.onChange(editor.getValue())),
      editor.onDidFocusEditorText(() => latest.current.onFocus()),
    ];
    return () => {
      for (const disposable of [...actions, ...subscriptions]) disposable.dispose();
      resizeObserver.disconnect();
      editor.dispose();
      editorRef.current = null;
    };
    // The editor is created once per cell (value, focus and options are synchronised below), so
    // this effect deliberately depends on the cell's identity only.
  }, [monaco, cellId, language]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getValue() !== value) model.setValue(value);
  }, [value]);

  useEffect(() => editorRef.current?.updateOptions({ readOnly: isReadOnly }), [isReadOnly]);
  useEffect(() => monaco.editor.setTheme(isDark ? 'vs-dark' : 'vs'), [monaco, isDark]);

  // In the commit that asks for it, so keys typed right after (a new cell) reach the editor.
  useLayoutEffect(() => {
    if (shouldFocus) editorRef.current?.focus();
  }, [shouldFocus]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const markers = errorLine
      ? [{ severity: monaco.MarkerSeverity.Error, message: 'The last run failed here', startLineNumber: errorLine, endLineNumber: errorLine, startColumn: 1, endColumn: model.getLineMaxColumn(Math.min(errorLine, model.getLineCount())) }]
      : [];
    monaco.editor.setModelMarkers(model, 'kiln-run', markers);
  }, [monaco, errorLine, value]);

  return <div ref={containerRef} className="monaco-host" />;
}
