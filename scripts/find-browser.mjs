#!/usr/bin/env node
/**
 * Finds (and, where it can, installs) a Chromium for the end-to-end tests and the benchmarks.
 *
 *   node scripts/find-browser.mjs        prints the path of a working Chromium, or one line saying
 *                                        what to install and exits 1
 *
 * Search order: $CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome,
 * Playwright's browser cache. If none works: as root on Debian/Ubuntu, `apt-get install chromium`;
 * otherwise `npx playwright-core install chromium`, once. Every candidate must answer `--version`
 * (this skips broken installs such as Ubuntu's snap placeholder).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Chromium switches for headless runs. Playwright adds its own automation switches on top. */
export const CHROMIUM_ARGS = Object.freeze([
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // WebGL through SwiftShader (software GL) when there is no GPU, as on CI.
  '--enable-unsafe-swiftshader',
]);

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const INSTALL_HINT =
  'No Chromium found: install one (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH=/path/to/chrome.';

const log = (line) => process.stderr.write(`[find-browser] ${line}\n`);

/** Revision number in a Playwright cache folder name (`chromium-1255` → 1255), for newest-first order. */
function revisionOf(name) {
  const match = /-(\d+)$/.exec(name);
  return match ? Number(match[1]) : 0;
}

function playwrightCacheCandidates() {
  const roots = [];
  const custom = process.env.PLAYWRIGHT_BROWSERS_PATH;
  if (custom && custom !== '0') roots.push(custom);
  roots.push(path.join(os.homedir(), '.cache', 'ms-playwright'));

  const full = [];
  const shells = [];
  for (const root of roots) {
    let entries = [];
    try {
      entries = fs.readdirSync(root);
    } catch {
      continue;
    }
    for (const name of entries.sort((a, b) => revisionOf(b) - revisionOf(a))) {
      const dir = path.join(root, name);
      if (/^chromium-\d+$/.test(name)) {
        full.push(path.join(dir, 'chrome-linux', 'chrome'), path.join(dir, 'chrome-linux64', 'chrome'));
      } else if (/^chromium_headless_shell-\d+$/.test(name)) {
        shells.push(
          path.join(dir, 'chrome-linux', 'headless_shell'),
          path.join(dir, 'chrome-headless-shell-linux64', 'chrome-headless-shell'),
        );
      }
    }
  }
  return [...full, ...shells];
}

function candidates() {
  const list = [];
  if (process.env.CHROMIUM_PATH) list.push(process.env.CHROMIUM_PATH);
  list.push(...SYSTEM_CANDIDATES, ...playwrightCacheCandidates());
  return [...new Set(list)];
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The browser's version line (`Chromium 156.0.8078.79 ...`), or null when it does not run. */
export function chromiumVersion(executable) {
  const result = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0 || !result.stdout) return null;
  return result.stdout.trim().split('\n').pop()?.trim() || null;
}

function firstWorking() {
  for (const file of candidates()) {
    if (!isExecutable(file)) continue;
    if (chromiumVersion(file)) return file;
    log(`${file} exists but does not run (\`${file} --version\` failed); skipping it.`);
  }
  return null;
}

/** Runs a command, streaming its output with every line prefixed. Resolves to its exit code. */
function runPrefixed(command, args, prefix, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pipe = (stream) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split(/\r?\n|\r/);
        rest = lines.pop() ?? '';
        for (const line of lines) process.stderr.write(`${prefix} ${line}\n`);
      });
      stream.on('end', () => {
        if (rest) process.stderr.write(`${prefix} ${rest}\n`);
      });
    };
    pipe(child.stdout);
    pipe(child.stderr);
    child.on('error', (error) => {
      process.stderr.write(`${prefix} ${error.message}\n`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function isDebianLike() {
  if (fs.existsSync('/etc/debian_version')) return true;
  try {
    return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

async function installWithApt() {
  log('No Chromium found; installing the Debian package (apt-get update && apt-get install -y chromium)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const updated = await runPrefixed('apt-get', ['update'], '[apt]', env);
  if (updated !== 0) return log(`apt-get update failed (exit ${updated}).`);
  const installed = await runPrefixed('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'], '[apt]', env);
  if (installed !== 0) log(`apt-get install failed (exit ${installed}).`);
}

async function installWithPlaywright() {
  log('No Chromium found; trying `npx playwright-core install chromium`...');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  const code = await runPrefixed(npx, ['--no-install', 'playwright-core', 'install', 'chromium'], '[playwright]', env);
  if (code !== 0) log(`playwright-core install failed (exit ${code}).`);
}

let cached = null;

/**
 * Path of a working Chromium executable, installing one when allowed (`install: false` only looks).
 * Rejects with an Error whose message is one line saying what to install.
 * @param {{install?: boolean}} [options]
 * @returns {Promise<string>}
 */
export async function findChromium({ install = true } = {}) {
  if (cached && isExecutable(cached)) return cached;
  let found = firstWorking();
  if (!found && install) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (isRoot && isDebianLike() && hasCommand('apt-get')) await installWithApt();
    else await installWithPlaywright();
    found = firstWorking();
  }
  if (!found) throw new Error(INSTALL_HINT);
  cached = found;
  return found;
}

/**
 * Launches headless Chromium through playwright-core. Every launch gets a fresh, temporary profile
 * (Playwright creates a new --user-data-dir with mkdtemp and deletes it on close).
 * @param {{executablePath?: string, args?: string[]}} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchBrowser({ executablePath, args = [] } = {}) {
  const { chromium } = await import('playwright-core');
  const executable = executablePath ?? process.env.KILN_CHROMIUM ?? (await findChromium());
  return chromium.launch({ executablePath: executable, args: [...CHROMIUM_ARGS, ...args], headless: true });
}

const isMain = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  findChromium().then(
    (file) => process.stdout.write(`${file}\n`),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
