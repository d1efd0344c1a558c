// Shared helpers for the browser end-to-end run (e2e/run.mjs).
//
//   launch()                  Debian's Chromium (/usr/bin/chromium) driven by playwright-core, headless,
//                             with the flags that work on our machines (STACK.md section 6).
//   checkA11y(page, label)    axe-core on the current page (WCAG 2.0/2.1/2.2 A and AA + best practice);
//                             prints one line per page and records the violations.
//   report()                  prints every recorded violation; returns how many there were.
//   step(name, fn)            runs one named check: "ok - name" / "not ok - name"; a failure sets
//                             process.exitCode = 1. "N passed, M failed" is printed when the process exits.
//   assert(cond, msg), expectStatus(response, expected, what)
//
// Violations recorded by checkA11y and never passed through report() are printed at exit and fail the
// run, so they can't be lost.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let axeSource; // read lazily, once

/**
 * Launch Debian's Chromium. Playwright gives every launch() a fresh, empty user-data-dir of its own
 * (a new temporary profile, removed on browser.close()); it refuses a --user-data-dir in args.
 * Options are passed on to chromium.launch (e.g. { slowMo: 100 }). HEADED=1 shows the window.
 */
export async function launch(options = {}) {
  const headless = process.env.HEADED ? false : true;
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless,
    chromiumSandbox: false,
    args: headless ? CHROMIUM_ARGS : CHROMIUM_ARGS.filter((a) => a !== '--headless'),
    timeout: 60_000,
    ...options,
  });
  console.log(`# chromium ${browser.version()} launched in ${Date.now() - started} ms (${CHROMIUM_PATH})`);
  return browser;
}

const violations = []; // { label, url, id, impact, help, helpUrl, targets: [selector...] }
let reported = 0; // how many entries of `violations` report() has printed
const pages = [];

/**
 * Run axe-core on the page as it is now. Returns the array of axe violations (empty when clean).
 * axe is evaluated through the DevTools protocol, so a strict Content-Security-Policy on the page
 * (no inline scripts) does not block it.
 */
export async function checkA11y(page, label = '') {
  if (!axeSource) axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axeSource);
  const res = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  const url = page.url();
  const name = label ? `${label} ` : '';
  console.log(
    `# a11y ${name}${url}: axe ${res.testEngine.version} passes=${res.passes.length} ` +
      `violations=${res.violations.length} incomplete=${res.incomplete.length}`,
  );
  pages.push(url);
  for (const v of res.violations) {
    violations.push({
      label,
      url,
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ')),
    });
  }
  return res.violations;
}

/** Print every violation recorded so far (impact, rule id, help, target selectors); return the count. */
export function report() {
  console.log(`# a11y: ${violations.length} violation(s) on ${pages.length} page check(s)`);
  for (const v of violations) {
    console.log(`#   [${v.impact}] ${v.id}: ${v.help} (${v.label ? v.label + ' ' : ''}${v.url})`);
    for (const t of v.targets) console.log(`#       ${t}`);
    console.log(`#       ${v.helpUrl}`);
  }
  reported = violations.length;
  return violations.length;
}

export class AssertionError extends Error {
  name = 'AssertionError';
}

/** Throw with `msg` unless `cond` is truthy. */
export function assert(cond, msg = 'assertion failed') {
  if (!cond) throw new AssertionError(msg);
}

/** Assert a Playwright Response (page.goto(), page.waitForResponse(), request.get()) has a status. */
export function expectStatus(response, expected, what = '') {
  assert(response, `${what || 'request'}: no response`);
  const status = response.status();
  const ok = Array.isArray(expected) ? expected.includes(status) : status === expected;
  assert(ok, `${what || response.url()}: expected HTTP ${expected}, got ${status}`);
  return response;
}

let passed = 0;
let failed = 0;

/** Run one named check. Never throws: a failure is printed and counted, and the run goes on. */
export async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name} (${Date.now() - started} ms)`);
    return true;
  } catch (err) {
    failed += 1;
    process.exitCode = 1;
    console.log(`not ok - ${name} (${Date.now() - started} ms)`);
    const text = (err && err.stack) || String(err);
    for (const line of text.split('\n')) console.log(`#   ${line}`);
    return false;
  }
}

/** Counts so far, for a caller that wants to decide something itself. */
export function results() {
  return { passed, failed, violations: violations.length };
}

process.once('exit', (code) => {
  if (violations.length > reported) {
    console.log('# a11y violations were recorded but not reported; they fail the run:');
    report();
    process.exitCode = 1;
  }
  if (passed + failed > 0) console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0 && !code) process.exitCode = 1;
});
