/**
 * A display bundle as an nbformat mime bundle: renderings other tools understand (text/plain
 * always, HTML, images, plotly), plus the exact bundle for Kiln to read back.
 */
import { assertNever } from '../../lib/invariant';
import { toPlainText } from '../notebook/plainText';
import type { DisplayBundle } from '../outputs';
import { tableToHtml } from './htmlTable';
import { splitLines } from './multiline';
import { KILN_DISPLAY_MIME, OUTPUT_METADATA_MIME, PLOTLY_MIME, isSplitMime } from './nbformat';
import type { JsonObject, MimeBundle } from './nbformat';
import { isRecord } from './read';
import { encodeSpecialValues } from './specialValues';

export type ExportedDisplay = { readonly data: MimeBundle; readonly metadata: JsonObject };

export function exportBundle(bundle: DisplayBundle): ExportedDisplay {
  if (bundle.kind === 'mime') return exportForeignBundle(bundle.data);
  const data: MimeBundle = {
    'text/plain': toPlainText(bundle),
    ...richRenderings(bundle),
    [KILN_DISPLAY_MIME]: encodeSpecialValues(storedBundle(bundle)),
  };
  const metadata: JsonObject = bundle.kind === 'image' ? { [bundle.mime]: { height: bundle.height, width: bundle.width } } : {};
  return { data: toDiskForm(data), metadata };
}

/** The mime types, besides text/plain, that show this bundle in Jupyter, VS Code or GitHub. */
function richRenderings(bundle: Exclude<DisplayBundle, { kind: 'mime' }>): MimeBundle {
  switch (bundle.kind) {
    case 'text':
    case 'tensor':
    case 'model':
    case 'progress':
      return {};
    case 'markdown':
      return { 'text/markdown': bundle.markdown };
    case 'html':
      return { 'text/html': bundle.html };
    case 'json':
      // undefined has no JSON form; text/plain still says "undefined".
      return bundle.value === undefined ? {} : { 'application/json': bundle.value };
    case 'table':
      return { 'text/html': tableToHtml(bundle) };
    case 'plotly':
      return { [PLOTLY_MIME]: { data: bundle.data, layout: bundle.layout } };
    case 'image':
      return { [bundle.mime]: bundle.base64 };
    default:
      return assertNever(bundle, 'display bundle');
  }
}

/** Image pixels are already stored under their own mime type; storing them twice would double the file. */
function storedBundle(bundle: DisplayBundle): unknown {
  if (bundle.kind !== 'image') return bundle;
  const { base64: _pixels, ...rest } = bundle;
  return rest;
}

/** An imported output goes back out as it came in, with its metadata moved back where nbformat keeps it. */
function exportForeignBundle(bundleData: Readonly<Record<string, unknown>>): ExportedDisplay {
  const { [OUTPUT_METADATA_MIME]: storedMetadata, ...data } = bundleData;
  return { data: toDiskForm(data), metadata: isRecord(storedMetadata) ? { ...storedMetadata } : {} };
}

/** Sorted mime types and text split into lines, as Jupyter writes them, so diffs stay small. */
function toDiskForm(data: Readonly<Record<string, unknown>>): MimeBundle {
  return Object.fromEntries(
    Object.keys(data)
      .sort()
      .map((mime) => {
        const value = data[mime];
        return [mime, typeof value === 'string' && isSplitMime(mime) ? splitLines(value) : value];
      }),
  );
}
