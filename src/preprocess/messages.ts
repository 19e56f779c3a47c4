/** The wording of row-level problems, shared by fit, transform, validation and reference statistics. */

export const EXPECTED_NUMBER = 'a number (or a numeric string such as "3.5")';
export const EXPECTED_CATEGORY = 'a category (a string, number or boolean)';

export function rowMessage(row: number, field: string, expected: string, got: string): string {
  return `Row ${row}, field ${JSON.stringify(field)}: expected ${expected}, got ${got}`;
}

/** Lists at most `limit` names, so a 500-category vocabulary does not flood a message. */
export function listNames(names: readonly string[], limit = 10): string {
  const shown = names.slice(0, limit).map((name) => JSON.stringify(name));
  return names.length > limit ? `${shown.join(', ')} and ${names.length - limit} more` : shown.join(', ');
}
