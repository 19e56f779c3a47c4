#!/usr/bin/env node
/**
 * Performance suite runner.
 *
 *   npm run bench                      build, then run every module in bench/suites/
 *   npm run bench -- notebook          only suites whose file name or name contains "notebook"
 *   node bench/run.mjs [filters...]    on an existing build
 *
 * A suite module exports `{ name, run(ctx) }` (as its default export or as named exports); run()
 * returns result rows (see bench/lib/rows.mjs). ctx: { url, dist, chromium, root, log }.
 * Prints a table and writes bench/results/latest.json. Exits 1 when a measured metric misses its
 * target or a suite throws; "not measurable" metrics do not fail the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findChromium } from '../scripts/find-browser.mjs';
import { ROOT, assertBuilt, displayPath, startPreviewServer } from '../scripts/serve.mjs';
import { machineInfo } from './lib/machine.mjs';
import { formatTable } from './lib/table.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SUITES_DIR = path.join(BENCH_DIR, 'suites');
const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'latest.json');

const say = (line) => process.stderr.write(`${line}\n`);

async function loadSuites(filters) {
  const files = fs
    .readdirSync(SUITES_DIR)
    .filter((name) => /\.m?js$/.test(name))
    .sort();
  const suites = [];
  for (const file of files) {
    const module = await import(pathToFileURL(path.join(SUITES_DIR, file)).href);
    const suite = module.default?.run ? module.default : module;
    if (typeof suite.run !== 'function') throw new Error(`bench/suites/${file} exports no run(ctx)`);
    const name = suite.name || path.basename(file, path.extname(file));
    const haystack = `${file} ${name}`.toLowerCase();
    if (filters.length && !filters.some((filter) => haystack.includes(filter.toLowerCase()))) continue;
    suites.push({ name, run: suite.run.bind(suite) });
  }
  if (suites.length === 0) throw new Error(`No suite in bench/suites/ matches ${filters.join(', ')} (have: ${files.join(', ')}).`);
  return suites;
}

async function main() {
  const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  assertBuilt();
  const suites = await loadSuites(filters);
  const chromium = await findChromium();
  const machine = machineInfo({ chromiumPath: chromium, root: ROOT });
  say(`bench: ${machine.chromium} (${chromium}), node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}`);

  const server = await startPreviewServer();
  say(`bench: serving ${displayPath(server.dist)}/ at ${server.url}`);
  const results = [];
  try {
    for (const suite of suites) {
      say(`bench: running ${suite.name}...`);
      const started = performance.now();
      const ctx = { url: server.url, dist: server.dist, chromium, root: ROOT, log: (line) => say(`  [${suite.name}] ${line}`) };
      let rows = [];
      let error = null;
      try {
        rows = await suite.run(ctx);
      } catch (caught) {
        error = caught instanceof Error ? caught.message.split('\n')[0] : String(caught);
        say(`  [${suite.name}] crashed: ${caught instanceof Error ? caught.stack : caught}`);
      }
      results.push({ name: suite.name, durationMs: Math.round(performance.now() - started), rows, ...(error ? { error } : {}) });
    }
  } finally {
    await server.close();
  }

  process.stdout.write(`\n${formatTable(results)}\n\n`);
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  fs.writeFileSync(RESULTS_FILE, `${JSON.stringify({ machine, filters, suites: results }, null, 2)}\n`);
  say(`bench: results written to ${path.relative(ROOT, RESULTS_FILE)}`);

  const failed = results.some((suite) => suite.error || suite.rows.some((row) => row.pass === false));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    say(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
