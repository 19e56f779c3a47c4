/**
 * A reversible encoding of values JSON cannot hold (NaN, ±Infinity, undefined), used for the
 * display bundles Kiln stores in .ipynb files. DataFrames full of NaN and a diverging loss curve are
 * everyday data; without this they would come back as null after a save and load.
 */

import { indexPath, keyPath } from './path';

/** `{"$kiln": "NaN"}` stands for NaN; a real object that has this key is wrapped as `{"$kiln": "literal", "value": ...}`. */
export const SPECIAL_KEY = '$kiln';

const SPECIAL_NUMBERS = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
} as const satisfies Record<string, number>;

type SpecialTag = keyof typeof SPECIAL_NUMBERS | 'undefined' | 'literal';

function marker(tag: SpecialTag): Record<string, unknown> {
  return { [SPECIAL_KEY]: tag };
}

/** Turns `value` into plain JSON. Values JSON drops silently elsewhere (functions, symbols) are not expected here. */
export function encodeSpecialValues(value: unknown): unknown {
  if (value === undefined) return marker('undefined');
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return marker('NaN');
    if (value === Number.POSITIVE_INFINITY) return marker('Infinity');
    if (value === Number.NEGATIVE_INFINITY) return marker('-Infinity');
    return value;
  }
  if (Array.isArray(value)) return value.map(encodeSpecialValues);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, inner]) => [key, encodeSpecialValues(inner)] as const);
    const encoded = Object.fromEntries(entries);
    return Object.hasOwn(value, SPECIAL_KEY) ? { [SPECIAL_KEY]: 'literal', value: encoded } : encoded;
  }
  return value;
}

export class SpecialValueError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** The inverse of `encodeSpecialValues`; throws SpecialValueError (with a JSON path) on a malformed marker. */
export function decodeSpecialValues(value: unknown, path = ''): unknown {
  if (Array.isArray(value)) return value.map((inner, i) => decodeSpecialValues(inner, indexPath(path, i)));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, SPECIAL_KEY)) return decodeEntries(record, path);
  const tag = record[SPECIAL_KEY];
  switch (tag) {
    case 'NaN':
    case 'Infinity':
    case '-Infinity':
      return SPECIAL_NUMBERS[tag];
    case 'undefined':
      return undefined;
    case 'literal': {
      const inner = record['value'];
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
        throw new SpecialValueError(keyPath(path, 'value'), 'expected the object wrapped by a "literal" marker');
      }
      return decodeEntries(inner as Record<string, unknown>, keyPath(path, 'value'));
    }
    default:
      throw new SpecialValueError(keyPath(path, SPECIAL_KEY), `unknown special value marker ${JSON.stringify(tag)}`);
  }
}

function decodeEntries(record: Record<string, unknown>, path: string): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays data and never becomes a prototype.
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, decodeSpecialValues(inner, keyPath(path, key))]));
}
