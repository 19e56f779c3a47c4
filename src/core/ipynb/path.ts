/** JSON paths for error messages, written the way a reader would type them: cells[3].outputs[0].data["text/plain"]. */

export function keyPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (segment === key) return path === '' ? key : `${path}.${key}`;
  return `${path}[${segment}]`;
}

export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
