/** nbformat's multi-line strings are written as lines that each keep their '\n' (read.ts joins them back). */

/** "a\nb\n" -> ["a\n", "b\n"]; "" -> []. Joining the result with '' gives the input back exactly. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    lines.push(text.slice(start, end + 1));
    start = end + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}
