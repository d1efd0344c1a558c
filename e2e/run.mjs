// Browser journeys through the real server in Debian's Chromium, with axe-core on every page visited.
//   BASE_URL=http://127.0.0.1:8080 DEMO_PASSWORD=... node e2e/run.mjs
// The server must have been started with the demo data (safeguard serve --demo) and that password.
import { launch, checkA11y, report, step, assert, expectStatus } from './lib/browser.mjs';

const base = process.env.BASE_URL || 'http://127.0.0.1:8080';
const password = process.env.DEMO_PASSWORD;
if (!password) {
  console.error('set DEMO_PASSWORD to the demo accounts\' password');
  process.exit(2);
}

const browser = await launch();
const failOnConsoleError = [];
const expectedErrorPages = new Set(); // pages visited on purpose with a 4xx status

async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser logs the status of a page that is itself an error page; those are expected.
    // Chromium logs the status of a page that is itself an error page or a re-shown form (401, 403,
    // 404, 422): those are the responses under test, not faults.
    if (m.text().startsWith('Failed to load resource') && (expectedErrorPages.has(page.url()) || m.location().url === page.url())) return;
    failOnConsoleError.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => failOnConsoleError.push(`${page.url()}: ${e.message}`));
  return page;
}

async function visit(page, path, label, status = 200) {
  if (status !== 200) expectedErrorPages.add(base + path);
  const res = await page.goto(base + path, { waitUntil: 'load' });
  expectStatus(res, status, path);
  const violations = await checkA11y(page, label || path);
  assert(violations.length === 0, `${path}: ${violations.length} accessibility violation(s)`);
  return res;
}

async function signIn(page, email) {
  await visit(page, '/sign-in', 'sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
}

let admin;

await step('sign-in with a wrong password shows the error summary', async () => {
  const page = await newPage();
  await visit(page, '/sign-in', 'sign-in');
  await page.fill('#email', 'admin@safeguard.example');
  await page.fill('#password', 'this is not the password');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign in")')]);
  const summary = page.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'error summary visible');
  assert((await summary.innerText()).includes('Enter a correct email address and password'), 'message shown');
  assert((await page.title()).startsWith('Error:'), 'title starts with Error:');
  const v = await checkA11y(page, 'sign-in with error');
  assert(v.length === 0, 'no violations');
  // GOV.UK JavaScript ran (the error summary takes focus) and the enhanced class is set.
  assert(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported')), 'govuk-frontend initialised');
  await page.context().close();
});

await step('administrator signs in and sees the demo partnership', async () => {
  admin = await newPage();
  await signIn(admin, 'admin@safeguard.example');
  assert(admin.url() === base + '/', `landed on home, got ${admin.url()}`);
  const h = await admin.locator('header.sg-header').innerText();
  assert(h.includes('Telford and Wrekin Safeguarding Children Partnership'), 'partnership name in the header');
  assert(!h.includes('GOV.UK'), 'no GOV.UK logotype');
  await checkA11y(admin, 'home');
  const fonts = await admin.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert(!/GDS Transport/i.test(fonts), `no GDS Transport font (${fonts})`);
});

await step('adding a person with bad input shows field errors, then succeeds', async () => {
  await visit(admin, '/people', 'people list');
  await visit(admin, '/people/new', 'add a person');
  await admin.fill('#email', 'not an email');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add person")')]);
  const summary = admin.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'error summary visible');
  const text = await summary.innerText();
  for (const m of ['Enter the person', 'correct format', 'Select the organisation', 'Select a role']) {
    assert(text.includes(m), `summary mentions "${m}": ${text}`);
  }
  assert((await admin.inputValue('#email')) === 'not an email', 'entered value kept');
  assert(await admin.locator('#email-error').isVisible(), 'field-level error shown');
  await checkA11y(admin, 'add a person with errors');
  // The summary links to the fields.
  await admin.click('.govuk-error-summary a[href="#name"]');
  const email = `e2e.${Date.now()}@example.org`;
  await admin.fill('#name', 'Eve Tester');
  await admin.fill('#email', email);
  await admin.selectOption('#organisation_id', { label: 'West Mercia Police' });
  await admin.selectOption('#role', 'practitioner');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add person")')]);
  assert(/\/people\/[0-9a-f-]{36}/.test(admin.url()), `on the person page: ${admin.url()}`);
  assert((await admin.locator('h1').innerText()).includes('Eve Tester'), 'person page heading');
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'success banner');
  await checkA11y(admin, 'person page');
  await visit(admin, `/people?q=${encodeURIComponent('eve tester')}`, 'people filtered');
  assert((await admin.locator('table').innerText()).includes('Eve Tester'), 'new person listed');
});

await step('administrator pages pass axe', async () => {
  await visit(admin, '/audit');
  assert((await admin.locator('table').first().innerText()).includes('person.create'), 'audit trail lists the new person');
  for (const p of ['/organisations', '/calendar', '/settings', '/account', '/account/sessions', '/account/tokens', '/account/two-factor', '/account/password', '/accessibility']) {
    await visit(admin, p);
  }
});

await step('platform operator adds and deletes a one-off bank holiday', async () => {
  // Bank holidays are the same for every partnership, so only platform operators change them.
  await visit(admin, '/calendar');
  assert((await admin.locator('body').innerText()).includes('Christmas Day'), 'administrator sees the calendar');
  assert(!(await admin.locator('#date').count()), 'but has no form to change it');
  const operator = await newPage();
  await signIn(operator, 'operator@safeguard.example');
  await visit(operator, '/calendar');
  assert((await operator.locator('table').first().innerText()).includes('Christmas Day'), 'bank holidays listed');
  await operator.fill('#date', '2030-02-30');
  await Promise.all([operator.waitForNavigation(), operator.click('button:has-text("Save change")')]);
  assert(await operator.locator('.govuk-error-summary').isVisible(), 'error summary');
  await checkA11y(operator, 'calendar with errors');
  await operator.fill('#date', '2030-03-06');
  await operator.fill('#name', 'E2E one-off day');
  await operator.check('#action');
  await Promise.all([operator.waitForNavigation(), operator.click('button:has-text("Save change")')]);
  assert(await operator.locator('.govuk-notification-banner--success').isVisible(), 'success banner');
  assert((await operator.locator('body').innerText()).includes('E2E one-off day'), 'change listed');
  await checkA11y(operator, 'calendar with a change');
  await Promise.all([operator.waitForNavigation(), operator.click('button:has-text("Delete")')]);
  assert(!(await operator.locator('body').innerText()).includes('E2E one-off day'), 'change deleted');
  await operator.context().close();
});

await step('settings form with bad input shows the error summary', async () => {
  await visit(admin, '/settings');
  await admin.fill('#session_idle_minutes', '1000');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save settings")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'error summary');
  await checkA11y(admin, 'settings with errors');
});

await step('API token is created and shown once', async () => {
  await visit(admin, '/account/tokens');
  await admin.fill('#name', 'e2e script');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Create token")')]);
  const token = await admin.inputValue('#new-token');
  assert(token.startsWith('sgt_'), 'token shown');
  await checkA11y(admin, 'token created');
  const res = await admin.request.get(base + '/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expectStatus(res, 200, 'api with token');
  assert((await res.json()).email === 'admin@safeguard.example', 'api answers as the admin');
});

await step('administrator adds an action for the agency lead, who updates it from "My actions"', async () => {
  const title = `Check the e2e referrals ${Date.now()}`;
  await visit(admin, '/actions', 'actions list');
  await visit(admin, '/actions/new', 'add an action');
  // Bad input first: the error summary, values kept.
  await admin.fill('#due_date', '2023-02-30');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add action")')]);
  const summary = admin.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'error summary visible');
  const text = await summary.innerText();
  for (const m of ['Enter a title', 'Select the organisation', 'real date']) {
    assert(text.includes(m), `summary mentions "${m}": ${text}`);
  }
  assert((await admin.inputValue('#due_date')) === '2023-02-30', 'entered value kept');
  await checkA11y(admin, 'add an action with errors');
  await admin.fill('#title', title);
  await admin.fill('#description', 'Sample twenty referrals and report to the board.');
  await admin.fill('#source_label', 'Board meeting 12 May 2022');
  await admin.selectOption('#owner_organisation_id', { label: 'West Mercia Police' });
  await admin.selectOption('#owner_person_id', { label: 'Sam Okafor (West Mercia Police)' });
  await admin.fill('#due_date', '2030-03-31');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add action")')]);
  assert(/\/actions\/[0-9a-f-]{36}/.test(admin.url()), `on the action page: ${admin.url()}`);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'success banner');
  await checkA11y(admin, 'action page (administrator)');

  const lead = await newPage();
  await signIn(lead, 'lead@safeguard.example');
  await visit(lead, '/actions/mine', 'my actions');
  const row = lead.locator('table a', { hasText: title });
  assert(await row.isVisible(), 'the new action is on "My actions"');
  await Promise.all([lead.waitForNavigation(), row.click()]);
  await checkA11y(lead, 'action page (owner)');
  await lead.fill('#body', 'Sampled the first ten referrals.');
  await lead.selectOption('#new_status', 'in_progress');
  await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Add update")')]);
  assert(await lead.locator('.govuk-notification-banner--success').isVisible(), 'update confirmed');
  const progress = await lead.locator('main').innerText();
  assert(progress.includes('Sampled the first ten referrals.'), 'update shown');
  assert(progress.includes('Status changed to In progress'), 'status change shown');
  await checkA11y(lead, 'action page after an update');
  await lead.context().close();
});

await step('administrator uploads a PDF to Documents; a text file renamed .pdf is refused', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-'));
  const pdf = join(dir, 'E2E board paper.pdf');
  writeFileSync(pdf, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const fake = join(dir, 'notes.pdf');
  writeFileSync(fake, 'just some notes, not a PDF\n');
  await visit(admin, '/files', 'documents');
  await admin.setInputFiles('#file', pdf);
  await admin.fill('#description', 'Uploaded by the browser test');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Upload")')]);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'success banner');
  assert((await admin.locator('table').innerText()).includes('E2E board paper.pdf'), 'the PDF is listed');
  await checkA11y(admin, 'documents with a file');
  await admin.setInputFiles('#file', fake);
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Upload")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'error summary');
  assert((await admin.locator('.govuk-error-summary').innerText()).includes('must be a PDF, Word, Excel, PowerPoint, CSV or image file'), 'the message names the kinds');
  const violations = await checkA11y(admin, 'documents with errors');
  assert(violations.length === 0, `documents with errors: ${violations.length} accessibility violation(s)`);
});

await step('a missing page answers 404 with the error page', async () => {
  await visit(admin, '/invitations/' + '0'.repeat(64), 'expired invitation link', 410);
  await visit(admin, '/no-such-page', '404', 404);
  assert((await admin.locator('h1').innerText()).includes('Page not found'), '404 heading');
});

await step('signing out ends the session', async () => {
  await visit(admin, '/', 'home');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Sign out")')]);
  assert(admin.url().endsWith('/sign-in'), 'back at sign-in');
  const res = await admin.goto(base + '/people');
  assert(admin.url().endsWith('/sign-in'), 'people page needs sign-in again');
  expectStatus(res, 200, 'sign-in page after redirect');
  await admin.context().close();
});

await step('agency lead switches partnership', async () => {
  const page = await newPage();
  await signIn(page, 'lead@safeguard.example');
  await checkA11y(page, 'home (lead)');
  await page.selectOption('#switch-partnership', { label: 'Shropshire Safeguarding Community Partnership' });
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Switch")')]);
  const h = await page.locator('header.sg-header').innerText();
  assert(h.includes('Shropshire Safeguarding Community Partnership'), `header names Shropshire: ${h}`);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'switch confirmed');
  await checkA11y(page, 'home after switch');
  await page.context().close();
});

await step('a practitioner cannot reach administration pages', async () => {
  const page = await newPage();
  await signIn(page, 'practitioner@safeguard.example');
  await visit(page, '/people', 'people as practitioner (403)', 403);
  await visit(page, '/audit', 'audit as practitioner (403)', 403);
  await page.context().close();
});

await step('no console errors on any page', async () => {
  assert(failOnConsoleError.length === 0, failOnConsoleError.join('\n'));
});

await browser.close();
const n = report();
if (n > 0) process.exitCode = 1;
