/** 950 B · 12.3 kB · 4.5 MB · 1.52 GB: decimal units, as file managers and browsers show sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  // Each unit up to where its rounded figure would read 1000.0 (999,950 bytes is 1.0 MB).
  if (bytes < 999_950) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 999_950_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}
