import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractLockPackages, type LockPackages } from './artifact-lock';
import { ARTIFACT_PACKAGES } from './pack-sources';
import { TFJS_RUNTIME_PACKAGES } from './server/tf-model';

const repoLock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: LockPackages };

describe('extractLockPackages', () => {
  const packages: LockPackages = {
    '': { version: '1.0.0', dependencies: { a: '^1' }, devDependencies: { tool: '^1' } },
    'node_modules/a': { version: '1.2.0', integrity: 'sha512-a', dependencies: { b: '^1', c: '^2' }, peerDependencies: { p: '*', maybe: '*' }, peerDependenciesMeta: { maybe: { optional: true } } },
    'node_modules/a/node_modules/c': { version: '2.0.0', integrity: 'sha512-c2' },
    'node_modules/b': { version: '1.0.0', integrity: 'sha512-b', dev: true },
    'node_modules/c': { version: '1.0.0', integrity: 'sha512-c1', dev: true },
    'node_modules/p': { version: '3.0.0', integrity: 'sha512-p', peer: true },
    'node_modules/tool': { version: '1.0.0', integrity: 'sha512-t', dev: true },
  };

  it('follows dependencies the way Node resolves them, nested copies first, and drops dev and peer markers', () => {
    expect(extractLockPackages(packages, ['a'])).toEqual({
      'node_modules/a': packages['node_modules/a'],
      'node_modules/a/node_modules/c': { version: '2.0.0', integrity: 'sha512-c2' },
      'node_modules/b': { version: '1.0.0', integrity: 'sha512-b' },
      'node_modules/p': { version: '3.0.0', integrity: 'sha512-p' },
    });
  });

  it('names a dependency the lock lacks', () => {
    expect(() => extractLockPackages(packages, ['missing'])).toThrow('package-lock.json has no missing for the root');
  });
});

describe('artifact-lock-packages.json', () => {
  // Regenerate after a dependency change with: npx vitest run -u src/export/artifact-lock.test.ts
  it('is the cut of package-lock.json that the artifact dependencies need', async () => {
    const cut = extractLockPackages(repoLock.packages, ARTIFACT_PACKAGES);
    await expect(`${JSON.stringify(cut, null, 2)}\n`).toMatchFileSnapshot('./artifact-lock-packages.json');
  });

  it('pins the same tfjs version as Kiln itself, with an integrity hash for every package', () => {
    const cut = extractLockPackages(repoLock.packages, ARTIFACT_PACKAGES);
    const kiln = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of ARTIFACT_PACKAGES) expect(cut[`node_modules/${name}`]?.version).toBe(kiln.dependencies[name]);
    for (const [path, entry] of Object.entries(cut)) expect(entry.integrity, path).toMatch(/^sha512-/);
  });

  it('installs every package the server requires at the top of node_modules, where require finds it', () => {
    const cut = extractLockPackages(repoLock.packages, ARTIFACT_PACKAGES);
    for (const name of TFJS_RUNTIME_PACKAGES) expect(cut[`node_modules/${name}`]?.version, name).toBe(cut['node_modules/@tensorflow/tfjs']?.version);
  });
});
