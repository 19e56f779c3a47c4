/** Gzipped size of the JavaScript a page loaded, measured on the files in the build folder. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const gzipCache = new Map();

/** Gzip (level 9) size in bytes of a file; cached per path. */
export function gzipSize(file) {
  let size = gzipCache.get(file);
  if (size == null) {
    size = zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
    gzipCache.set(file, size);
  }
  return size;
}

/** Script URLs of dist/index.html's entry modules (`<script type="module" src=...>`). */
export function entryScripts(dist, baseUrl) {
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const urls = [];
  for (const match of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/g)) urls.push(new URL(match[1], baseUrl).href);
  return urls;
}

const isJsPath = (pathname) => /\.(m?js)$/i.test(pathname);

/**
 * Maps same-origin JavaScript URLs to files in `dist` and sums their gzip sizes.
 * @returns {{bytes: number, files: string[], unmapped: string[]}}
 */
export function gzipJsBytes(urls, { dist, baseUrl }) {
  const origin = new URL(baseUrl).origin;
  const files = new Set();
  const unmapped = [];
  for (const raw of new Set(urls)) {
    let url;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.origin !== origin || !isJsPath(url.pathname)) continue;
    const file = path.join(dist, decodeURIComponent(url.pathname));
    if (!file.startsWith(dist + path.sep) || !fs.existsSync(file)) {
      unmapped.push(raw);
      continue;
    }
    files.add(file);
  }
  let bytes = 0;
  for (const file of files) bytes += gzipSize(file);
  return { bytes, files: [...files].map((file) => path.relative(dist, file)).sort(), unmapped };
}
