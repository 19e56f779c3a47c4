/**
 * The artifact's package-lock.json, so `npm ci` in its Dockerfile installs exactly the tfjs tree
 * Kiln was tested with. The entries are cut from Kiln's own lockfile (the same versions and
 * integrity hashes) by following the artifact's dependencies; artifact-lock-packages.json holds the
 * cut, and artifact-lock.test.ts fails when it drifts from package-lock.json.
 */

export type LockEntry = {
  version: string;
  integrity?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
};

export type LockPackages = Record<string, LockEntry>;

/** Node's lookup: `name` from the package installed at `from` ('' is the root), nearest node_modules first. */
function installedPath(packages: LockPackages, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (Object.hasOwn(packages, candidate)) return candidate;
    if (dir === '') return null;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

function requiredBy(entry: LockEntry): string[] {
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  const peers = Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional);
  return [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers];
}

/**
 * The lock entries the root dependencies need, at the paths they have in the source lock (a
 * subset of a valid tree resolves every import to the same entry). Dev and peer markers go: in
 * the artifact every one of them is a production dependency.
 */
export function extractLockPackages(packages: LockPackages, roots: readonly string[]): LockPackages {
  const found = new Map<string, LockEntry>();
  const queue: [from: string, name: string][] = roots.map((name) => ['', name]);
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [from, name] = next;
    const path = installedPath(packages, from, name);
    if (path === null) {
      // An optional dependency the source tree does not install (another platform's binary) is fine to skip.
      if (Object.keys(packages[from]?.optionalDependencies ?? {}).includes(name)) continue;
      throw new Error(`package-lock.json has no ${name} for ${from || 'the root'}: run npm install`);
    }
    if (found.has(path)) continue;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = packages[path] as LockEntry;
    found.set(path, entry);
    for (const dependency of requiredBy(entry)) queue.push([path, dependency]);
  }
  return Object.fromEntries([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export type LockRoot = { name: string; version: string; dependencies: Record<string, string>; engines?: Record<string, string> };

export function lockfileText(root: LockRoot, packages: LockPackages): string {
  return `${JSON.stringify({ name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages: { '': root, ...packages } }, null, 2)}\n`;
}
