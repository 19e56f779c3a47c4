import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { chromiumVersion } from '../../scripts/find-browser.mjs';

/** Where and when the numbers were taken. */
export function machineInfo({ chromiumPath, root }) {
  const cpus = os.cpus();
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return {
    date: new Date().toISOString(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: chromiumVersion(chromiumPath) ?? 'unknown',
    chromiumPath,
    commit: git.status === 0 ? git.stdout.trim() : null,
    ci: Boolean(process.env.CI),
  };
}
