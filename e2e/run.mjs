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

await step('governance: a meeting with an agenda item and a paper; a decision creates an action the owner updates', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const stamp = Date.now();
  const actionTitle = `Report the e2e audit findings ${stamp}`;
  await visit(admin, '/bodies', 'board and groups');
  await Promise.all([admin.waitForNavigation(), admin.click('a:has-text("Telford and Wrekin Safeguarding Children Board")')]);
  await checkA11y(admin, 'body page (board)');
  const bodyUrl = admin.url();
  const bodyPath = new URL(bodyUrl).pathname;
  await visit(admin, bodyPath + '/edit', 'change a body');
  await visit(admin, bodyPath + '/attendance?year=2022', 'attendance by agency');
  assert((await admin.locator('table').first().innerText()).includes('West Mercia Police'), 'the report lists the police');
  await visit(admin, bodyPath + '/meetings/new', 'add a meeting');
  // Bad input first: an impossible date.
  await admin.fill('#meeting_date', '2031-02-30');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add meeting")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'error summary for a bad date');
  await checkA11y(admin, 'add a meeting with errors');
  await admin.fill('#meeting_date', '2031-01-15');
  await admin.fill('#start_time', '10:00');
  await admin.fill('#location', 'Addenbrooke House, Telford');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add meeting")')]);
  assert(/\/meetings\/[0-9a-f-]{36}/.test(admin.url()), `on the meeting page: ${admin.url()}`);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'meeting added');
  await checkA11y(admin, 'meeting page');
  const meetingPath = new URL(admin.url()).pathname;

  await admin.fill('#title', 'Multi-agency audit findings');
  await admin.selectOption('#owner_person_id', { label: 'Sam Okafor (West Mercia Police)' });
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add agenda item")')]);
  assert((await admin.locator('main').innerText()).includes('Multi-agency audit findings'), 'agenda item shown');
  await Promise.all([admin.waitForNavigation(), admin.click('a:has-text("Papers")')]);
  await checkA11y(admin, 'agenda item papers');
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-gov-'));
  const pdf = join(dir, 'Audit findings.pdf');
  writeFileSync(pdf, '%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  const exe = join(dir, 'findings.pdf');
  writeFileSync(exe, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)]));
  await admin.setInputFiles('#file', exe);
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Upload paper")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'a renamed executable is refused');
  await checkA11y(admin, 'paper upload with errors');
  await admin.setInputFiles('#file', pdf);
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Upload paper")')]);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'paper uploaded');
  assert((await admin.locator('main').innerText()).includes('Audit findings.pdf'), 'paper listed');

  await visit(admin, meetingPath + '/edit', 'change meeting details');
  await visit(admin, meetingPath, 'meeting page with an item');
  await Promise.all([admin.waitForNavigation(), admin.click('a:has-text("Withdraw")')]);
  await checkA11y(admin, 'withdraw an agenda item');
  await visit(admin, meetingPath, 'meeting page with an item');
  await admin.fill('#decision', 'The board accepted the findings and asked the police to report back.');
  await admin.fill('#action_title', actionTitle);
  await admin.selectOption('#action_owner_organisation_id', { label: 'West Mercia Police' });
  await admin.selectOption('#action_owner_person_id', { label: 'Sam Okafor (West Mercia Police)' });
  await admin.fill('#action_due_date', '2031-03-31');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Record decision")')]);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'decision recorded');
  assert((await admin.locator('main').innerText()).includes(actionTitle), 'the decision shows its action');
  await checkA11y(admin, 'meeting page with a decision');

  const lead = await newPage();
  await signIn(lead, 'lead@safeguard.example');
  await visit(lead, '/actions/mine', 'my actions (lead, after the decision)');
  const row = lead.locator('table a', { hasText: actionTitle });
  assert(await row.isVisible(), 'the decision\'s action is on "My actions"');
  await Promise.all([lead.waitForNavigation(), row.click()]);
  assert((await lead.locator('main').innerText()).includes('Decision: Telford and Wrekin Safeguarding Children Board'), 'source is the decision');
  await lead.fill('#body', 'Findings shared with the force\'s safeguarding leads.');
  await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Add update")')]);
  assert(await lead.locator('.govuk-notification-banner--success').isVisible(), 'update confirmed');
  assert((await lead.locator('main').innerText()).includes('Findings shared with the force'), 'update shown');
  await checkA11y(lead, 'action from a decision after an update');
  await lead.context().close();
});

await step('sign-offs: the ICB signs the threshold document and it is complete', async () => {
  await visit(admin, '/sign-offs', 'sign-offs');
  await visit(admin, '/sign-offs/new', 'request a sign-off');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Request sign-off")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'error summary for an empty request');
  await checkA11y(admin, 'request a sign-off with errors');
  const board = await newPage();
  await signIn(board, 'board@safeguard.example');
  await visit(board, '/sign-offs', 'sign-offs (ICB board member)');
  await Promise.all([board.waitForNavigation(), board.click('a:has-text("Threshold of Need")')]);
  await checkA11y(board, 'sign-off item (signer)');
  await board.check('#decision');
  await board.fill('#comment', 'Agreed for the ICB.');
  await Promise.all([board.waitForNavigation(), board.click('button:has-text("Submit decision")')]);
  assert(await board.locator('.govuk-notification-banner--success').isVisible(), 'signed');
  assert((await board.locator('main').innerText()).includes('Complete'), 'complete after the third partner');
  await checkA11y(board, 'sign-off item complete');
  await board.context().close();
});

await step('funding: the 2022/23 year, its summary and a refused amount', async () => {
  await visit(admin, '/funding', 'funding');
  await Promise.all([admin.waitForNavigation(), admin.click('a:has-text("2022/23")')]);
  await checkA11y(admin, 'funding year');
  const text = await admin.locator('main').innerText();
  assert(text.includes('£150,000.00') && text.includes('£50,000.00'), 'budget and equal shares shown');
  await admin.fill('#spent_on', '2022-10-03');
  await admin.selectOption('#category', 'training');
  await admin.fill('#description', 'Venue for the e2e conference');
  await admin.fill('#amount', '-5');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add spending")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'negative amount refused');
  await checkA11y(admin, 'funding year with errors');
  const yearPath = new URL(admin.url()).pathname.replace(/\/spend$/, '');
  await visit(admin, yearPath + '/edit', 'change the budget and notes');
  await visit(admin, yearPath, 'funding year again');
  await Promise.all([admin.waitForNavigation(), admin.click('table a:has-text("Change")')]);
  await checkA11y(admin, 'correct a spend line');
  await visit(admin, '/funding/new', 'add a financial year');
});

await step('activity log: the seed year month by month, an entry added, exports download', async () => {
  await visit(admin, '/activity?year=2022', 'activity log 2022-23');
  const months = await admin.locator('main h2').allInnerTexts();
  assert(months[0].includes('April 2022') && months.some((m) => m.includes('March 2023')), `months in order: ${months.join(' | ')}`);
  assert((await admin.locator('main').innerText()).includes('Safeguarding impact:'), 'impact paragraphs');
  await visit(admin, '/activity/new', 'add an activity entry');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add entry")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'errors for an empty entry');
  await checkA11y(admin, 'add an activity entry with errors');
  await admin.fill('#entry_date', '2022-11-20');
  await admin.selectOption('#body_id', { label: 'Neglect sub-group' });
  await admin.fill('#title', 'E2E neglect toolkit launch');
  await admin.fill('#what_happened', 'The neglect toolkit was launched to 80 practitioners.');
  await admin.fill('#impact', 'Practitioners recognise neglect earlier.');
  await admin.fill('#tags', 'neglect, training');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add entry")')]);
  assert(await admin.locator('.govuk-notification-banner--success').isVisible(), 'entry added');
  await checkA11y(admin, 'activity entry');
  const entryPath = new URL(admin.url()).pathname;
  await visit(admin, entryPath + '/edit', 'edit an activity entry');
  for (const [path, type] of [['/activity/export.csv?year=2022', 'text/csv'], ['/activity/export.xlsx?year=2022', 'spreadsheetml']]) {
    const res = await admin.request.get(base + path);
    assert(res.status() === 200, `${path}: ${res.status()}`);
    assert((res.headers()['content-type'] || '').includes(type), `${path}: content type`);
    const body = await res.body();
    assert(body.length > 100, `${path}: has content`);
  }
});

await step('case reviews: a notification with a child, its rapid review and decision; identities only after a reveal', async () => {
  const ref = `SIN-E2E-${Date.now() % 100000}`;
  // Dates may not be in the future: work back from today.
  const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  await visit(admin, '/case-reviews', 'case reviews dashboard');
  await visit(admin, '/case-reviews/new', 'record a notification');
  // Notified before the local authority became aware: refused, nothing saved.
  await admin.fill('#reference', ref);
  await admin.fill('#summary', 'A child was seriously injured at home.');
  await admin.fill('#aware_on', daysAgo(10));
  await admin.fill('#notified_on', daysAgo(12));
  await admin.check('#harm-2');
  await admin.check('#abuse_or_neglect-2');
  await admin.check('#location');
  await admin.fill('#decided_by', 'Director of Children\'s Services');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save notification")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'notified before aware is refused');
  await checkA11y(admin, 'record a notification with errors');
  await admin.fill('#notified_on', daysAgo(8));
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save notification")')]);
  assert(/\/case-reviews\/[0-9a-f-]{36}/.test(admin.url()), `on the notification page: ${admin.url()}`);
  await checkA11y(admin, 'notification page');
  const casePath = new URL(admin.url()).pathname;
  const text = await admin.locator('main').innerText();
  assert(text.includes(ref), 'reference shown');

  await visit(admin, casePath + '/children/new', 'add a child');
  await admin.fill('#age_description', 'Boy, 7 months');
  await admin.fill('#full_name', 'Fictional Child E2E');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Add child")')]);
  let page = await admin.locator('main').innerText();
  assert(page.includes('Child A'), 'pseudonym shown');
  assert(!page.includes('Fictional Child E2E'), 'the name is hidden until revealed');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Show the children\'s identities")')]);
  assert((await admin.locator('main').innerText()).includes('Fictional Child E2E'), 'shown after the reveal');
  await checkA11y(admin, 'notification with identities shown');

  await visit(admin, casePath + '/rapid-review', 'record the rapid review');
  await admin.fill('#facts', 'Health visitor and GP contact in the months before.');
  await admin.fill('#learning', 'Information about the father was not shared.');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save rapid review")')]);
  await visit(admin, casePath + '/decision', 'record the decision');
  await admin.check('#decision');
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save decision")')]);
  assert(await admin.locator('.govuk-error-summary').isVisible(), 'a decision without rationale is refused');
  await checkA11y(admin, 'decision with errors');
  await admin.fill('#rationale', 'Two agencies did not work together effectively (reg. 11 (c)).');
  await admin.fill('#decided_on', daysAgo(1));
  await Promise.all([admin.waitForNavigation(), admin.click('button:has-text("Save decision")')]);
  assert(!(await admin.locator('.govuk-error-summary').count()), 'decision saved');
  await visit(admin, casePath + '/panel', 'sent to the National Panel');
  await visit(admin, casePath + '/extend', 'extend a deadline');
  await visit(admin, casePath + '/agencies/new', 'record an agency summary');
  await visit(admin, casePath + '/edit', 'change the notification');
  const sub = await newPage();
  await signIn(sub, 'practitioner@safeguard.example');
  await visit(sub, '/case-reviews', 'case reviews as a practitioner (403)', 403);
  await sub.context().close();
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

await step('case review learning: a theme added and put on a notification, a finding and a recommendation, themes across years', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  await visit(page, '/case-review-themes', 'case review themes');
  await visit(page, '/case-review-themes/new', 'add a theme');
  // A name the taxonomy already has (in another case) is refused in the error summary.
  await page.fill('#name', 'neglect');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add theme")')]);
  const summary = page.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'a duplicate theme is refused');
  assert((await summary.innerText()).includes('There is already a theme with this name'), 'the message is in the error summary');
  await checkA11y(page, 'add a theme with errors');
  const theme = `Bereavement E2E ${Date.now() % 100000}`;
  await page.fill('#name', theme);
  await page.fill('#description', 'The death of a parent, carer or sibling.');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add theme")')]);
  assert((await page.locator('main').innerText()).includes(theme), 'the theme is listed');
  await checkA11y(page, 'themes after adding one');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: `Change ${theme}` }).click()]);
  await checkA11y(page, 'change a theme');

  // Put it on a demo notification, from the notification's page.
  await visit(page, '/case-reviews', 'case reviews dashboard (learning)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("SIN 2023-01")')]);
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Themes, findings and recommendations")')]);
  await checkA11y(page, 'learning of a notification');
  const learning = new URL(page.url()).pathname;
  await page.getByLabel(theme, { exact: true }).check();
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save themes")')]);
  assert(await page.getByLabel(theme, { exact: true }).isChecked(), 'the theme is ticked after saving');

  // A finding: empty is refused in the error summary, then added.
  await visit(page, learning + '/findings/new', 'add a finding');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add finding")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'an empty finding is refused');
  await checkA11y(page, 'add a finding with errors');
  await page.fill('#title', 'Bereavement was not recognised');
  await page.fill('#body', 'No agency asked how the death of the grandparent affected Child A.');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add finding")')]);
  assert((await page.locator('main').innerText()).includes('Bereavement was not recognised'), 'finding shown');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Change finding \d+/ }).first().click()]);
  await checkA11y(page, 'change a finding');

  // A recommendation following from it, addressed to two organisations.
  await visit(page, learning + '/recommendations/new', 'add a recommendation');
  await page.fill('#title', 'Bereavement support');
  await page.fill('#body', 'Offer bereavement support through schools and health visiting.');
  await page.selectOption('#finding_id', { label: 'Finding 1: Bereavement was not recognised' });
  await page.getByLabel('Telford & Wrekin Education and Skills', { exact: true }).check();
  await page.getByLabel('Shropshire Community Health NHS Trust', { exact: true }).check();
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add recommendation")')]);
  const text = await page.locator('main').innerText();
  assert(text.includes('Bereavement support'), 'recommendation shown');
  assert(text.includes('Telford & Wrekin Education and Skills'), 'addressee shown');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /View recommendation \d+/ }).last().click()]);
  assert(/\/review-recommendations\/[0-9a-f-]{36}$/.test(page.url()), `the recommendation's page: ${page.url()}`);
  await checkA11y(page, 'a recommendation');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Change the recommendation")')]);
  await checkA11y(page, 'change a recommendation');

  // Themes across years: the new theme counts SIN 2023-01 in 2022-23, and the count links to it.
  await visit(page, '/case-review-themes/across-years', 'themes across years');
  const row = page.locator('tr', { has: page.locator('th', { hasText: theme }) });
  await Promise.all([page.waitForNavigation(), row.getByRole('link', { name: new RegExp(`notifications on ${theme} started in 2022-23`) }).click()]);
  assert((await page.locator('main').innerText()).includes('SIN 2023-01'), 'the count lists the notification');
  await checkA11y(page, 'reviews carrying a theme');
  const csv = await page.request.get(base + '/case-review-themes/across-years.csv');
  assert(csv.status() === 200 && (await csv.text()).includes(theme), 'the CSV has the theme');

  const sub = await newPage();
  await signIn(sub, 'practitioner@safeguard.example');
  await visit(sub, '/case-review-themes/across-years', 'themes across years as a practitioner (403)', 403);
  await sub.context().close();
  await page.context().close();
});

let practiceReviewPath = '';

await step('practice review: a local CSPR commissioned from its rapid review and taken to publication; publishing before final approval refused', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  const stamp = Date.now() % 100000;
  const sin = `SIN-PR-${stamp}`;
  const ref = `CSPR-E2E-${stamp}`;
  // Dates may not be in the future: work back from today.
  const daysAgo = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  const save = (label) => Promise.all([page.waitForNavigation(), page.click(`button:has-text("${label}")`)]);
  await visit(page, '/case-reviews/new', 'record a notification (practice review journey)');
  await page.fill('#reference', sin);
  await page.fill('#summary', 'A child was seriously harmed at home.');
  await page.fill('#aware_on', daysAgo(120));
  await page.fill('#notified_on', daysAgo(118));
  await page.check('#harm-2');
  await page.check('#abuse_or_neglect-2');
  await page.check('#location');
  await page.fill('#decided_by', 'Director of Children\'s Services');
  await save('Save notification');
  assert(/\/case-reviews\/[0-9a-f-]{36}/.test(page.url()), `on the notification page: ${page.url()}`);
  const casePath = new URL(page.url()).pathname;
  await visit(page, casePath + '/rapid-review', 'rapid review (practice review journey)');
  await page.fill('#facts', 'Several agencies were involved in the months before.');
  await save('Save rapid review');
  await visit(page, casePath + '/decision', 'decision (practice review journey)');
  await page.check('input[name=decision][value=local_cspr]');
  await page.fill('#rationale', 'Criteria (a) and (c) of regulation 11 are met.');
  await page.fill('#decided_on', daysAgo(110));
  await save('Save decision');
  await visit(page, casePath, 'notification with a local CSPR decision');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Commission the practice review")')]);
  assert(page.url().includes('/practice-reviews/new?notification='), `on the commissioning form: ${page.url()}`);
  assert((await page.inputValue('#commissioned_on')) === daysAgo(110), 'commissioned on the date of the decision');
  await checkA11y(page, 'commission a practice review');
  await page.fill('#reference', ref);
  await page.fill('#title', 'Child E');
  await page.fill('#summary', 'How agencies shared information about Child E.');
  await save('Commission review');
  assert(/\/practice-reviews\/[0-9a-f-]{36}/.test(page.url()), `on the review page: ${page.url()}`);
  practiceReviewPath = new URL(page.url()).pathname;
  await checkA11y(page, 'practice review page');
  let text = await page.locator('main').innerText();
  assert(text.includes(ref) && text.includes(sin), 'reference and notification shown');
  assert(text.includes('Complete and publish the practice review'), 'the 6-month clock is shown');

  const recordStage = async (stage, date, extra = {}) => {
    await visit(page, practiceReviewPath + '/stage', `record a stage (${stage})`);
    await page.check(`input[name=stage][value=${stage}]`);
    await page.fill('#stage_on', date);
    for (const [k, v] of Object.entries(extra)) await page.fill(`#${k}`, v);
    await save('Record stage');
  };
  await recordStage('terms_agreed', daysAgo(100));
  await visit(page, practiceReviewPath + '/reviewers/new', 'appoint a reviewer');
  await page.fill('#name', 'Dr Sam Reviewer');
  await page.fill('#organisation', 'Independent');
  await page.check('input[name=role][value=lead_reviewer]');
  await page.check('input[name=independent][value=yes]');
  await page.fill('#appointed_on', daysAgo(95));
  await save('Appoint reviewer');
  text = await page.locator('main').innerText();
  assert(text.includes('Reviewer appointed'), 'the review reached "Reviewer appointed"');
  await recordStage('information_gathering', daysAgo(90));

  // Bad input: publishing before the final report is approved is refused with the error summary.
  await recordStage('published', daysAgo(80), { published_url: 'https://www.example-lscp.example/early' });
  const summary = page.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'error summary shown');
  assert((await summary.innerText()).includes('cannot be published before the final report has been approved'), 'the reason is given');
  await checkA11y(page, 'publishing too early refused');

  await visit(page, practiceReviewPath + '/drafts/new', 'record a draft');
  await page.fill('#label', 'Draft 1');
  await page.fill('#received_on', daysAgo(60));
  await page.setInputFiles('#file', { name: 'draft-1.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await save('Save draft');
  text = await page.locator('main').innerText();
  assert(text.includes('draft-1.pdf'), 'the draft and its document are listed');
  await recordStage('final_approved', daysAgo(40));
  await recordStage('notice_sent', daysAgo(30), { planned_publication_on: daysAgo(15) });
  await recordStage('published', daysAgo(15), { published_url: `https://www.example-lscp.example/reviews/${ref.toLowerCase()}` });
  assert(!(await page.locator('.govuk-error-summary').count()), 'published');
  text = await page.locator('main').innerText();
  assert(text.includes('Published report'), 'the published report is linked');
  assert(text.includes('Met'), 'the clocks are met');
  await checkA11y(page, 'published practice review');

  await visit(page, '/case-reviews', 'dashboard with practice reviews');
  text = await page.locator('main').innerText();
  assert(text.includes(ref), 'the review is on the panel dashboard');
  assert(text.includes('CSPR 2022-01'), 'the demo review is on the dashboard');
  await visit(page, '/practice-reviews', 'practice reviews');
  for (const [path, label] of [
    ['/edit', 'change a practice review'],
    ['/checks/new', 'record a check'],
    ['/checks/answer', 'record an answer'],
    ['/engagements/new', 'record engagement'],
    ['/reviewers/end', 'end an appointment'],
    ['/extend', 'extend a practice review deadline'],
    ['/shares', 'share a practice review'],
  ]) {
    await visit(page, practiceReviewPath + path, label);
  }
  await page.context().close();
});

await step('a lived-experience consultant sees the shared demo review and 404 for an unshared one', async () => {
  const page = await newPage();
  await signIn(page, 'consultant@safeguard.example');
  await visit(page, '/shared-reviews', 'reviews shared with you');
  assert(await page.locator('a:has-text("CSPR 2021-03")').count() === 1, 'the shared demo review is listed');
  assert(!(await page.locator('main').innerText()).includes('CSPR 2022-01'), 'unshared reviews are not listed');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("CSPR 2021-03")')]);
  await checkA11y(page, 'shared review');
  const text = await page.locator('main').innerText();
  assert(text.includes('Children M and N'), 'the pseudonymised title');
  assert(!text.includes('Sam Whitfield'), 'no reviewer names');
  const id = practiceReviewPath.split('/').pop();
  await visit(page, `/shared-reviews/${id}`, 'an unshared review (404)', 404);
  await visit(page, '/case-reviews', 'case reviews as a consultant (403)', 403);
  await page.context().close();
});

await step('case review administration: settings refused then saved, a body marked as the panel, a stale rapid review save keeps the text', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  // Settings: an invalid value first (error summary, values kept), then valid ones.
  await visit(page, '/case-reviews/settings', 'case review settings');
  await page.fill('#pre_publication_notice_days', '0');
  await page.fill('#reminder_lead_days', '10, 5, 5');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save settings")')]);
  const summary = page.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'settings errors summarised');
  const errors = await summary.innerText();
  assert(errors.includes('from 1 to 60') && errors.includes('once'), `both fields' messages: ${errors}`);
  assert((await page.inputValue('#reminder_lead_days')) === '10, 5, 5', 'the typed value is kept');
  await checkA11y(page, 'case review settings with errors');
  await page.fill('#pre_publication_notice_days', '10');
  await page.fill('#reminder_lead_days', '10, 5, 2, 1');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save settings")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'settings saved');
  assert((await page.inputValue('#reminder_lead_days')) === '10, 5, 2, 1', 'saved values shown');
  await checkA11y(page, 'case review settings saved');

  // The Neglect sub-group marked as the case review panel from its edit form, then unmarked again.
  await visit(page, '/bodies', 'bodies (panel step)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Neglect sub-group")')]);
  const bodyPath = new URL(page.url()).pathname;
  await visit(page, bodyPath + '/edit', 'change a body (panel question)');
  const form = await page.locator('main').innerText();
  assert(form.includes('will be able to see case review records'), 'the form says what marking means');
  await page.check('#handles_case_reviews');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert((await page.locator('main').innerText()).includes('Yes: its current members see case review records'), 'marked as the panel');
  await checkA11y(page, 'body marked as the panel');
  await visit(page, bodyPath + '/edit', 'change a body (unmark)');
  await page.check('#handles_case_reviews-2');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert(!(await page.locator('main').innerText()).includes('Yes: its current members'), 'unmarked');

  // Two people edit the same rapid review; the second save is stale: 409, their text kept.
  await visit(page, '/case-reviews', 'case reviews dashboard (stale step)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("SIN 2023-01")')]);
  const reviewPath = new URL(page.url()).pathname + '/rapid-review';
  const other = await newPage();
  await signIn(other, 'admin@safeguard.example');
  await visit(page, reviewPath, 'rapid review (first editor)');
  await visit(other, reviewPath, 'rapid review (second editor)');
  await page.fill('#learning', 'Learning saved by the first editor.');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save rapid review")')]);
  assert(!(await page.locator('.govuk-error-summary').count()), 'first save accepted');
  await other.fill('#learning', 'Text typed on a page that is now out of date.');
  expectedErrorPages.add(base + reviewPath);
  const [res] = await Promise.all([other.waitForNavigation(), other.click('button:has-text("Save rapid review")')]);
  expectStatus(res, 409, 'stale rapid review save');
  assert((await other.locator('.govuk-error-summary').innerText()).includes('Someone else changed this rapid review'), 'conflict explained');
  assert((await other.inputValue('#learning')) === 'Text typed on a page that is now out of date.', 'the person\'s text is kept');
  await checkA11y(other, 'stale rapid review save (409)');
  // Saving again from that page is deliberate and works.
  await Promise.all([other.waitForNavigation(), other.click('button:has-text("Save rapid review")')]);
  assert(!(await other.locator('.govuk-error-summary').count()), 'saved on purpose the second time');
  await other.context().close();
  await page.context().close();
  await page.context().close();
});

await step('recommendations tracker: the owner updates an action and marks a recommendation ready, the scrutineer verifies it', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  await visit(page, '/recommendation-sources', 'recommendations tracker');
  await visit(page, '/recommendation-sources/new', 'add a source');
  // Bad input: the error summary, values kept.
  await page.fill('#title', 'E2E national review');
  await page.fill('#published_on', '2099-01-01');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add source")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'a bad source is refused');
  assert((await page.inputValue('#title')) === 'E2E national review', 'title kept');
  await checkA11y(page, 'add a source with errors');
  await visit(page, '/recommendation-sources', 'recommendations tracker (again)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Independent Inquiry into Telford Child Sexual Exploitation")')]);
  const source = new URL(page.url()).pathname;
  assert((await page.locator('table a[href^="/tracked-recommendations/"]').count()) === 47, '47 recommendations');
  await checkA11y(page, 'a source with its recommendations');
  await visit(page, source + '/progress', 'progress by status and addressee');
  assert(await page.locator('svg[role="img"] title').count() === 2, 'the charts (by status, over time) have titles');
  await visit(page, source + '/recommendations/new', 'add a recommendation');
  await page.context().close();

  // The owner (the police's agency lead) updates the action of recommendation 11 and marks it ready.
  const lead = await newPage();
  await signIn(lead, 'lead@safeguard.example');
  if (!(await lead.locator('header.sg-header').innerText()).includes('Telford')) {
    await lead.selectOption('#switch-partnership', { label: 'Telford and Wrekin Safeguarding Children Partnership' });
    await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Switch")')]);
  }
  await visit(lead, source, 'a source (lead)');
  await Promise.all([lead.waitForNavigation(), lead.click('a:has-text("Review the police CSE training programme")')]);
  const rec = new URL(lead.url()).pathname;
  await checkA11y(lead, 'a recommendation (owner)');
  await Promise.all([lead.waitForNavigation(), lead.click('a:has-text("Commission a review of police CSE training")')]);
  await lead.fill('#body', 'The review of CSE training has been commissioned and reported.');
  await lead.selectOption('#new_status', 'done');
  await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Add update")')]);
  assert(await lead.locator('.govuk-notification-banner--success').isVisible(), 'action update confirmed');
  await visit(lead, rec, 'a recommendation after the action update');
  assert((await lead.locator('#actions ~ table').first().innerText()).includes('Done'), 'the action is done');
  // Unable to implement without a reason is refused first.
  await lead.getByLabel('Unable to implement', { exact: true }).check();
  await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Save status")')]);
  assert(await lead.locator('.govuk-error-summary').isVisible(), 'a reason is required');
  await checkA11y(lead, 'self-assessment with errors');
  await lead.getByLabel('Ready for assessment', { exact: true }).check();
  await lead.fill('#note', 'Training reviewed; the report is attached.');
  await Promise.all([lead.waitForNavigation(), lead.click('button:has-text("Save status")')]);
  assert(await lead.locator('.govuk-notification-banner--success').isVisible(), 'status saved');
  assert((await lead.locator('main').innerText()).includes('Self-assessed: Ready for assessment'), 'in the history');
  await checkA11y(lead, 'a recommendation marked ready');
  await lead.context().close();

  // The scrutineer verifies it.
  const sc = await newPage();
  await signIn(sc, 'scrutineer@safeguard.example');
  await visit(sc, rec, 'a recommendation (scrutineer)');
  await sc.getByLabel('Do not verify it', { exact: true }).check();
  await Promise.all([sc.waitForNavigation(), sc.click('button:has-text("Save verdict")')]);
  assert(await sc.locator('.govuk-error-summary').isVisible(), 'a refusal needs a reason');
  await checkA11y(sc, 'verification with errors');
  await sc.getByLabel('Verify it as implemented', { exact: true }).check();
  await Promise.all([sc.waitForNavigation(), sc.click('button:has-text("Save verdict")')]);
  const text = await sc.locator('main').innerText();
  assert(text.includes('Verified as implemented'), 'verified');
  assert(await sc.locator('.govuk-tag--green').first().isVisible(), 'green');
  await checkA11y(sc, 'a verified recommendation');
  await sc.context().close();
  await page.context().close();
});

await step('recommendations tracker: a lived-experience consultant comments anonymously on an invited recommendation', async () => {
  const page = await newPage();
  await signIn(page, 'consultant@safeguard.example');
  await visit(page, '/invited-recommendations', 'recommendations to comment on');
  assert((await page.locator('table a[href^="/invited-recommendations/"]').count()) === 6, 'six invited recommendations');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Present the annual report to the partnership board")')]);
  const rec = new URL(page.url()).pathname;
  await checkA11y(page, 'an invited recommendation');
  let main = await page.locator('main').innerText();
  assert(!main.includes('Priya Shah') && !main.includes('Rachel Ward'), 'no staff names');
  // Bad input: refused with the error summary, nothing saved.
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send comment")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'an empty comment is refused');
  await checkA11y(page, 'a comment with errors');
  const text = 'E2E: please involve survivors in planning the public meeting.';
  await page.fill('#body', text);
  await page.getByLabel('Anonymously', { exact: true }).check();
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Send comment")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'comment sent');
  main = await page.locator('main').innerText();
  assert(main.includes(text), 'the comment is listed');
  assert(main.includes('shown to others as A lived-experience consultant'), 'shown as anonymous');
  await checkA11y(page, 'an invited recommendation after commenting');
  await visit(page, '/recommendation-sources', 'the tracker as a consultant (403)', 403);
  await page.context().close();
  // The owner sees it without the consultant's name.
  const owner = await newPage();
  await signIn(owner, 'admin@safeguard.example');
  await visit(owner, rec.replace('/invited-recommendations/', '/tracked-recommendations/'), 'a recommendation with consultants\' comments');
  const ownerText = await owner.locator('#comments ~ *').allInnerTexts();
  assert(ownerText.join(' ').includes(text), 'the owner reads the comment');
  assert(ownerText.join(' ').includes('A lived-experience consultant'), 'anonymous to the owner');
  await owner.context().close();
});

await step('performance: the seed figures for March 2022, a return with an error refused in the error summary, the corrected file changes the dashboard', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sg-e2e-perf-'));
  const bad = join(dir, 'return-bad.csv');
  writeFileSync(bad, 'indicator_code,numerator,denominator\r\nCP-RATE,three hundred,\r\nCLA-RATE,449,\r\n');
  const good = join(dir, 'return.csv');
  writeFileSync(good, 'indicator_code,numerator,denominator\r\nCP-RATE,300,\r\nCLA-RATE,449,\r\n');
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  await visit(page, '/performance?as_at=2022-03-31', 'performance dashboard March 2022');
  let main = await page.locator('main').innerText();
  assert(main.includes('50.4') && main.includes('42.1') && main.includes('257 children'), 'the seed figures are on the dashboard');
  await visit(page, '/performance/exceptions', 'exception report');
  await visit(page, '/performance/indicators', 'indicator catalogue');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Children on a child protection plan")')]);
  assert(await page.locator('svg[role="img"] title').count() === 1, 'the chart has a title');
  await checkA11y(page, 'indicator page with chart');
  await visit(page, '/performance/indicators/new', 'add an indicator');
  await visit(page, '/performance/place', 'place profile');
  await visit(page, '/performance/returns', 'data returns');
  await page.selectOption('#organisation_id', { label: 'Telford & Wrekin Council' });
  await page.selectOption('#frequency', 'year');
  await page.fill('#period_start', '2021-04-01');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Continue")')]);
  await checkA11y(page, 'send a return');
  await page.setInputFiles('#file', bad);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Upload the return")')]);
  const summary = page.locator('.govuk-error-summary');
  assert(await summary.isVisible(), 'the bad file is refused in the error summary');
  assert((await summary.innerText()).includes('Row 2, numerator: "three hundred" is not a whole number'), 'row, column and reason');
  const violations = await checkA11y(page, 'send a return with errors');
  assert(violations.length === 0, `send a return with errors: ${violations.length} accessibility violation(s)`);
  await page.setInputFiles('#file', good);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Upload the return")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'return received');
  await visit(page, '/performance?as_at=2022-03-31', 'performance dashboard after the return');
  main = await page.locator('main').innerText();
  assert(main.includes('58.8') && !main.includes('50.4'), 'the dashboard shows the corrected figure');
  await visit(page, '/performance/returns', 'data returns after sending');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("2021-22")')]);
  await checkA11y(page, 'a return');
  const res = await page.request.get(base + '/performance/export.xlsx');
  assert(res.status() === 200 && (res.headers()['content-type'] || '').includes('spreadsheetml'), 'XLSX export');
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

await step('performance views: approved figures only, region and statistical neighbours, place profile editing', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  await visit(page, '/performance', 'performance dashboard, latest figures');
  let main = await page.locator('main').innerText();
  assert(main.includes('17.7') && !main.includes('17.4'), 'the latest view shows the revision not yet approved');
  await page.selectOption('#figures', 'approved');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Show figures")')]);
  main = await page.locator('main').innerText();
  assert(main.includes('17.4') && !main.includes('17.7'), 'the approved view leaves it out');
  await checkA11y(page, 'performance dashboard, approved figures only');
  await visit(page, '/performance/indicators', 'indicator catalogue (views)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Re-referrals within 12 months")')]);
  main = await page.locator('main').innerText();
  assert(main.includes('Statistical neighbours') && main.includes('Illustrative value for the demo'), 'comparisons with their publication');
  assert(await page.locator('svg[role="img"] line[data-series="region"]').count() === 2, 'the chart draws the region');
  const v1 = await checkA11y(page, 'indicator page with comparisons');
  assert(v1.length === 0, `indicator page with comparisons: ${v1.length} accessibility violation(s)`);
  await visit(page, '/performance/place/figures/new', 'add a place profile figure');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add the figure")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'an empty figure is refused in the error summary');
  const v2 = await checkA11y(page, 'add a place profile figure with errors');
  assert(v2.length === 0, `add a place profile figure with errors: ${v2.length} accessibility violation(s)`);
  await page.fill('#name', 'Children in relative low-income families');
  await page.selectOption('#unit', 'percentage');
  await page.fill('#value', '19.8');
  await page.fill('#england', '18.5');
  await page.fill('#year', '2022');
  await page.fill('#source', 'DWP children in low income families, 2022 (e2e)');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add the figure")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'figure added');
  await checkA11y(page, 'place profile with a new figure');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Change Children in relative low-income families")')]);
  await checkA11y(page, 'change a place profile figure');
  await page.fill('#value', '19.9');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert((await page.locator('main').innerText()).includes('19.9%'), 'figure changed');
  await visit(page, '/performance/place/neighbours', 'statistical neighbours form');
  await page.fill('#authorities', 'Authority A\nAuthority B');
  await page.fill('#source', 'Statistical neighbour benchmarking tool (e2e)');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save the list")')]);
  main = await page.locator('main').innerText();
  assert(main.includes('Authority A') && main.includes('Authority B'), 'neighbours listed on the place profile');
  await checkA11y(page, 'place profile with statistical neighbours');
  await page.context().close();
});

await step('recommendations tracker: progress over time, source and recommendation edits, the public progress page published, read signed out and withdrawn', async () => {
  const page = await newPage();
  await signIn(page, 'admin@safeguard.example');
  await visit(page, '/recommendation-sources', 'recommendations tracker (progress)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Independent Inquiry into Telford Child Sexual Exploitation")')]);
  const source = new URL(page.url()).pathname;
  await visit(page, source + '/progress', 'progress with progress over time');
  assert(await page.locator('svg[role="img"] title').count() === 2, 'both charts have a title');
  assert((await page.locator('main').innerText()).includes('Progress over time'), 'progress over time shown');
  await visit(page, source + '/progress?period=quarter', 'progress over time by quarter');
  const csv = await page.request.get(base + source + '/progress-over-time.csv');
  assert(csv.status() === 200 && (await csv.text()).includes('Date,Not started,'), 'progress over time as CSV');
  // Changing the source: a date in the future is refused in the error summary, then saved.
  await visit(page, source + '/edit', 'change a source');
  await page.fill('#published_on', '2099-01-01');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'a future date is refused');
  await checkA11y(page, 'change a source with errors');
  await page.fill('#published_on', '2022-07-12');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'source saved');
  // Evidence uploaded straight from the tracker's form (recommendation 1, led by the administrator).
  await Promise.all([page.waitForNavigation(), page.locator('table a[href^="/tracked-recommendations/"]').first().click()]);
  const rec1 = new URL(page.url()).pathname;
  {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const pdf = join(mkdtempSync(join(tmpdir(), 'sg-e2e-evidence-')), 'evidence.pdf');
    writeFileSync(pdf, '%PDF-1.4\n%%EOF\n');
    await page.click('summary:has-text("Add evidence")');
    await page.fill('#evidence-label', 'E2E uploaded evidence');
    await page.setInputFiles('#file', pdf);
    await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add evidence")')]);
    assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'evidence uploaded');
    assert((await page.locator('main').innerText()).includes('E2E uploaded evidence'), 'the uploaded evidence is listed');
    await checkA11y(page, 'a recommendation with uploaded evidence');
  }
  // Evidence on an action of the tracker, shown on the recommendation's page under the action.
  await visit(page, source, 'a source (action evidence)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Review the police CSE training programme")')]);
  const rec11 = new URL(page.url()).pathname;
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Commission a review of police CSE training")')]);
  await checkA11y(page, 'an action with the evidence form');
  await page.fill('#evidence-label', 'E2E action evidence');
  await page.fill('#url', 'https://www.gov.uk/');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Add evidence")')]);
  assert((await page.locator('main').innerText()).includes('E2E action evidence'), 'the action shows its evidence');
  await visit(page, rec11, 'a recommendation with evidence on its action');
  assert((await page.locator('main').innerText()).includes('E2E action evidence'), 'under the action on the recommendation page');
  // Changing a recommendation: an empty title is refused.
  await visit(page, rec1, 'recommendation 1 (change)');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Change the recommendation")')]);
  await checkA11y(page, 'change a tracked recommendation');
  await page.fill('#title', '');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Save changes")')]);
  assert(await page.locator('.govuk-error-summary').isVisible(), 'an empty title is refused');
  await checkA11y(page, 'change a tracked recommendation with errors');
  // Publishing the progress, and reading it signed out.
  await visit(page, source, 'a source before publishing its progress');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Publish progress")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'progress published');
  const publicPath = await page.locator('main a[href^="/public/"]').first().getAttribute('href');
  await checkA11y(page, 'a source with published progress');
  const anon = await newPage();
  await visit(anon, publicPath, 'public progress page (signed out)');
  const text = await anon.locator('main').innerText();
  assert(text.includes('Independent Inquiry into Telford Child Sexual Exploitation'), 'the source on the public page');
  assert(!text.includes('Priya Shah') && !text.includes('RAG rating'), 'no names or ratings on the public page');
  assert(await anon.locator('svg[role="img"] title').count() === 2, 'the public charts have titles');
  // Withdrawn: the public page is gone.
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Withdraw the public progress page")')]);
  assert(await page.locator('.govuk-notification-banner--success').isVisible(), 'progress withdrawn');
  await visit(anon, publicPath, 'public progress page withdrawn (404)', 404);
  await anon.context().close();
  await page.context().close();
});

await step('no console errors on any page', async () => {
  assert(failOnConsoleError.length === 0, failOnConsoleError.join('\n'));
});

await browser.close();
const n = report();
if (n > 0) process.exitCode = 1;
