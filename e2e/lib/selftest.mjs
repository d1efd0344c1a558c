// Self-test of e2e/lib/browser.mjs with no Safeguard server: Chromium starts, axe-core runs under a strict
// Content-Security-Policy, an accessible page has 0 violations and an inaccessible one has some.
// Run: node e2e/lib/selftest.mjs   (scripts/test runs it while bootstrapping, before the real e2e run)
import http from 'node:http';
import { launch, checkA11y, report, step, assert, expectStatus } from './browser.mjs';

const GOOD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Accessible page</title></head>
<body><header><p>Header</p></header>
<main><h1>Sign in</h1>
<form method="post" action="/"><label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email">
<button type="submit">Continue</button></form></main>
<footer><p>Footer</p></footer></body></html>`;

const BAD = `<!doctype html>
<html><head><meta charset="utf-8"></head>
<body><div><img src="/x.png"><input name="q">
<p style="color:#bbb;background:#fff">low contrast text</p>
<a href="/"></a></div></body></html>`;

const server = http.createServer((req, res) => {
  const body = req.url === '/bad' ? BAD : req.url === '/' ? GOOD : null;
  res.writeHead(body ? 200 : 404, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'",
  });
  res.end(body || 'not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

let browser;
try {
  browser = await launch();
  const page = await browser.newPage();

  await step('an accessible page has no axe violations (under a strict CSP)', async () => {
    expectStatus(await page.goto(`${base}/`), 200, 'GET /');
    const v = await checkA11y(page, 'selftest-good');
    assert(v.length === 0, `expected 0 violations, got ${v.map((x) => x.id).join(', ')}`);
  });

  await step('an inaccessible page has axe violations', async () => {
    expectStatus(await page.goto(`${base}/bad`), 200, 'GET /bad');
    const v = await checkA11y(page, 'selftest-bad');
    const ids = v.map((x) => x.id);
    for (const id of ['html-has-lang', 'image-alt', 'label', 'color-contrast', 'link-name']) {
      assert(ids.includes(id), `expected violation ${id}, got ${ids.join(', ')}`);
    }
  });

  await step('report() prints and counts the recorded violations', async () => {
    const n = report();
    assert(n >= 5, `expected at least 5 recorded violations, got ${n}`);
  });

  await step('expectStatus rejects an unexpected status', async () => {
    const r = await page.goto(`${base}/missing`);
    let threw = false;
    try {
      expectStatus(r, 200, 'GET /missing');
    } catch {
      threw = true;
    }
    assert(threw, 'expectStatus(404 response, 200) did not throw');
  });
} finally {
  if (browser) await browser.close();
  server.close();
}
