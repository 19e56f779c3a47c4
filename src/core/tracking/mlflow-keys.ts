/**
 * Param, metric and tag keys as MLflow's file store can hold them. Each key is a file path under
 * params/, metrics/ or tags/ ("/" makes subfolders), and MLflow refuses, on write and on read, any
 * name that is not made of letters, digits, "_", "-", ".", " " and "/" or that a path would
 * normalise to something else ("a//b", "./a", "a/..", "/a", "a/"). Kiln keys are free text, so:
 *
 *  1. every other character becomes "_";
 *  2. empty segments are dropped, and a segment "." or ".." becomes "_" or "__";
 *  3. the key is cut to 250 characters (MLflow's key limit) and each segment to 255 UTF-8 bytes
 *     (what file systems allow in one name);
 *  4. keys that still collide get "_2", "_3"... This includes keys differing only in case (they
 *     would overwrite each other when unzipped on macOS or Windows) and a key that would need a
 *     folder where another key is a file ("a" and "a/b").
 */

/** MLflow's `[/\w.\- ]` with Python's Unicode \w (letters and digits of any script, and "_"). */
const ALLOWED = /[^\p{L}\p{N}_\-. /]/gu;
const MAX_KEY_LENGTH = 250;
const MAX_SEGMENT_BYTES = 255;

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

function truncateSegment(segment: string): string {
  let bytes = 0;
  let kept = '';
  for (const char of segment) {
    bytes += utf8Length(char.codePointAt(0)!);
    if (bytes > MAX_SEGMENT_BYTES) break;
    kept += char;
  }
  return kept;
}

function segmentsOf(text: string): string[] {
  return text
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment === '.' ? '_' : segment === '..' ? '__' : truncateSegment(segment)));
}

/** Steps 1 to 3: a name MLflow accepts, not yet checked against the other keys. */
export function mlflowSafeKey(key: string): string {
  const segments = segmentsOf(key.replace(ALLOWED, '_'));
  // Counted in code points, as Python's len() does, so a cut never splits a surrogate pair.
  const safe = segmentsOf([...segments.join('/')].slice(0, MAX_KEY_LENGTH).join('')).join('/');
  return safe === '' ? '_' : safe;
}

const depth = (path: string): number => path.split('/').length;

function prefixesOf(path: string): string[] {
  const segments = path.split('/');
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
}

/**
 * Final file paths (relative to params/, metrics/ or tags/) for `keys`. `reserved` paths are
 * taken first and keep their names (MLflow's own tags). Deeper keys are placed before shallower
 * ones, so every folder a key needs is known before a file of that name could claim it.
 */
export function assignMlflowKeys(keys: readonly string[], reserved: readonly string[] = []): Map<string, string> {
  const files = new Set<string>();
  const folders = new Set<string>();
  const claim = (path: string): void => {
    files.add(path.toLowerCase());
    for (const prefix of prefixesOf(path)) folders.add(prefix.toLowerCase());
  };
  const isFree = (path: string): boolean => !files.has(path.toLowerCase()) && !folders.has(path.toLowerCase());
  reserved.forEach(claim);

  const safeKeys = keys.map((key) => ({ key, safe: mlflowSafeKey(key) }));
  // Within a depth, keys MLflow accepts as they are go first, so a renamed key never takes a valid key's name.
  const isRenamed = ({ key, safe }: { key: string; safe: string }): number => (key === safe ? 0 : 1);
  safeKeys.sort((a, b) => depth(b.safe) - depth(a.safe) || isRenamed(a) - isRenamed(b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const assigned = new Map<string, string>();
  for (const { key, safe } of safeKeys) {
    // A folder this key needs is already a file: flatten it into one name instead.
    const base = prefixesOf(safe).some((prefix) => files.has(prefix.toLowerCase())) ? safe.replaceAll('/', '_') : safe;
    let path = base;
    for (let n = 2; !isFree(path); n += 1) path = `${base}_${n}`;
    claim(path);
    assigned.set(key, path);
  }
  return assigned;
}
