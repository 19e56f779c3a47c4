#!/usr/bin/env node
/**
 * End-to-end test runner: makes sure there is a Chromium, runs the e2e Vitest project against the
 * production build, then prints one summary line, `N passed, N failed`.
 *
 *   npm run test:e2e                   build, then run every e2e/**\/*.e2e.ts
 *   node scripts/e2e.mjs [args...]     run on an existing build; args go to vitest (e.g. a file filter)
 *
 * The browser path reaches the tests as $KILN_CHROMIUM; the JSON report is test-results/e2e.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findChromium } from './find-browser.mjs';
import { ROOT, assertBuilt } from './serve.mjs';

const REPORT = path.join(ROOT, 'test-results', 'e2e.json');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Counts from Vitest's JSON report (Jest-compatible). A test file that failed to load counts as one failure. */
function summarize(report) {
  let passed = 0;
  let failed = 0;
  for (const file of report.testResults ?? []) {
    const results = file.assertionResults ?? [];
    passed += results.filter((test) => test.status === 'passed').length;
    const failedTests = results.filter((test) => test.status === 'failed').length;
    failed += failedTests;
    if (file.status === 'failed' && failedTests === 0) failed += 1;
  }
  return { passed, failed };
}

try {
  assertBuilt();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

let chromium;
try {
  chromium = await findChromium();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
process.stderr.write(`[e2e] Chromium: ${chromium}\n`);

const require = createRequire(import.meta.url);
const vitestPackage = require.resolve('vitest/package.json');
const vitestBin = path.join(path.dirname(vitestPackage), require(vitestPackage).bin.vitest);

fs.rmSync(REPORT, { force: true });
const args = [
  vitestBin,
  'run',
  '--config',
  'vitest.e2e.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${path.relative(ROOT, REPORT)}`,
  ...process.argv.slice(2),
];
const child = spawn(process.execPath, args, {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, KILN_CHROMIUM: chromium },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
const code = await new Promise((resolve) => child.on('close', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))));

if (!fs.existsSync(REPORT)) {
  process.stdout.write(`\nVitest wrote no report (${path.relative(ROOT, REPORT)}); it exited with code ${code}.\n`);
  process.exit(code || 1);
}
const { passed, failed } = summarize(JSON.parse(fs.readFileSync(REPORT, 'utf8')));
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || code !== 0 ? code || 1 : 0);
