/**
 * The declaration files TypeScript would read for imports of some packages, found by following
 * each file's module specifiers (`from '…'`, `import '…'`, `import('…')`) as Node-style resolution
 * does for .d.ts files. Monaco's worker parses and binds every extra lib it is given, imported or
 * not, so handing it only these keeps its start-up short.
 *
 * Paths look like `/node_modules/<package>/<path>.d.ts`; a specifier that resolves to no known
 * file (a package Kiln does not ship types for) is left unresolved, as TypeScript would.
 */
const MODULE_SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*(['"])([^'"\n]+)\1/g;

type Files = Readonly<Record<string, string>>;

/** Paths of the `files` (path → text) reachable from the packages' entry points (`types` of each, relative to the package). */
export function reachableDeclarations(files: Files, packageEntries: Readonly<Record<string, string>>): string[] {
  const resolve = (specifier: string, fromFile: string): string | undefined => {
    if (specifier.startsWith('.')) return existingDeclaration(joinPath(dirname(fromFile), specifier), files);
    const { name, subpath } = splitPackageSpecifier(specifier);
    const entry = packageEntries[name];
    if (subpath === '') return entry === undefined ? undefined : existingDeclaration(`/node_modules/${name}/${entry}`, files);
    return existingDeclaration(`/node_modules/${name}/${subpath}`, files);
  };

  const reached = new Set<string>();
  const pending = Object.keys(packageEntries).flatMap((name) => resolve(name, '/') ?? []);
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file)) continue;
    reached.add(file);
    for (const [, , specifier] of (files[file] ?? '').matchAll(MODULE_SPECIFIER)) {
      const target = specifier === undefined ? undefined : resolve(specifier, file);
      if (target !== undefined && !reached.has(target)) pending.push(target);
    }
  }
  return [...reached].sort();
}

/** `path` as a declaration file: itself, with `.d.ts` (in place of `.js`), or its folder's index. */
function existingDeclaration(path: string, files: Files): string | undefined {
  const stem = path.replace(/\.(?:d\.ts|js)$/, '');
  return [`${stem}.d.ts`, `${stem}/index.d.ts`].find((candidate) => Object.hasOwn(files, candidate));
}

function splitPackageSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, nameLength).join('/'), subpath: parts.slice(nameLength).join('/') };
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function joinPath(folder: string, relative: string): string {
  const parts = folder.split('/').filter(Boolean);
  for (const part of relative.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return `/${parts.join('/')}`;
}
