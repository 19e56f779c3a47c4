/**
 * An exported artifact .zip unpacked into a temporary folder, as a user would unzip it, with the
 * repository's node_modules linked in place of `npm install` (the same packages at the versions
 * the artifact's lockfile pins; the network is not part of the measurement).
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';

/**
 * @param {Uint8Array} zip the artifact's bytes
 * @param {string} repoRoot where node_modules is
 * @returns {Promise<{dir: string, manifest: any, read(relative: string): string, remove(): Promise<void>}>}
 */
export async function unpackArtifact(zip, repoRoot) {
  const files = unzipSync(zip);
  const roots = new Set(Object.keys(files).map((name) => name.split('/')[0]));
  if (roots.size !== 1) throw new Error(`the artifact should hold one root folder, it holds ${[...roots].join(', ')}`);
  const [root] = roots;
  const parent = await mkdtemp(path.join(tmpdir(), 'kiln-bench-artifact-'));
  const remove = () => rm(parent, { recursive: true, force: true });
  try {
    for (const [name, content] of Object.entries(files)) {
      if (name.endsWith('/')) continue;
      const target = path.join(parent, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const dir = path.join(parent, root);
    await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const read = (relative) => {
      const content = files[`${root}/${relative}`];
      if (!content) throw new Error(`the artifact has no ${relative}`);
      return strFromU8(content);
    };
    return { dir, manifest: JSON.parse(read('manifest.json')), read, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
