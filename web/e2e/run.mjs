// End-to-end tests of the back office in a real browser: Playwright (playwright-core) driving
// Debian's Chromium against a real halod with the demo seeded (cmd/halod/e2e_test.go starts it and
// sets HALO_URL). Each test prints ok/FAIL; the exit code is the number of failures.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';

const BASE = process.env.HALO_URL ?? 'http://127.0.0.1:8080';
const SHOTS = process.env.HALO_E2E_SHOTS ?? 'test-results';
mkdirSync(SHOTS, { recursive: true });
const ACCOUNTS = {
  admin: ['admin@halo.local', 'admin-demo-password'],
  consultant: ['ana@demo.halo.local', 'demo-password'],
  carla: ['carla@demo.halo.local', 'demo-password'],
  customer: ['cust-mia@demo.halo.local', 'demo-password'],
  dev: ['dev@demo.halo.local', 'demo-password'],
  quinn: ['quinn@demo.halo.local', 'demo-password'],
};

const browser = await chromium.launch({
  executablePath: process.env.HALO_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
const openPages = new Set();
const timings = {};

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function session(who, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && errors.push(m.text()));
  page.errors = errors;
  // What a failure report shows: the API calls this page saw refused, and what it displays.
  page.refused = [];
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().includes('/api/')) page.refused.push(`${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`);
  });
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  if (who) {
    const [email, password] = ACCOUNTS[who];
    await page.goto(BASE + '/#/login');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header.top').waitFor();
  }
  return page;
}

/** Calls the API from inside the page with the page's own session, as the app does. */
async function apiIn(page, path, init = {}) {
  return page.evaluate(
    async ({ path, init }) => {
      const s = JSON.parse(sessionStorage.getItem('halo.session') ?? 'null');
      const headers = { 'Content-Type': 'application/json' };
      if (s) headers.Authorization = 'Bearer ' + s.token;
      const r = await fetch('/api/v1' + path, { ...init, headers });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    { path, init },
  );
}

async function axe(page, name) {
  const res = await new AxeBuilder({ page }).analyze();
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(bad.length === 0, `${name}: accessibility violations: ${bad.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes[0]?.target})`).join('; ')}`);
}

/** "−$1,234.50" → "-1234.50": the UI's text read back as the API's decimal string. */
function decimalOf(text) {
  const neg = /[−-]/.test(text);
  const digits = text.replace(/[^0-9.]/g, '');
  return (neg ? '-' : '') + digits;
}

async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${e.message}`);
    for (const p of openPages) {
      const main = await p.locator('main').first().innerText({ timeout: 2000 }).catch(() => '(no main)');
      console.log(`     page ${p.url()}\n     shows: ${main.slice(0, 600).replace(/\n+/g, ' | ')}`);
      if (p.refused.length) console.log(`     refused: ${p.refused.slice(-10).join('; ')}`);
      if (p.errors.length) console.log(`     errors: ${p.errors.slice(-5).join('; ')}`);
      await p.context().close().catch(() => {});
    }
  }
}

await test('the page is served with a strict Content-Security-Policy and no inline script', async () => {
  const res = await fetch(BASE + '/');
  const csp = res.headers.get('content-security-policy') ?? '';
  assert(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline\'; img') === false || csp.includes("script-src 'self';"), `CSP: ${csp}`);
  assert(!/script-src[^;]*unsafe-inline/.test(csp), 'inline scripts allowed');
  const html = await res.text();
  assert(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'an inline <script> in the page');
});

await test('initial JavaScript stays under 250 KB gzipped', async () => {
  const dir = new URL('../static/app/assets/', import.meta.url);
  let total = 0;
  for (const f of readdirSync(dir)) if (f.endsWith('.js')) total += gzipSync(readFileSync(new URL(f, dir))).length;
  timings.js_gzip_kb = Math.round(total / 1024);
  assert(total <= 250 * 1024, `${total} bytes gzipped`);
});

await test('a wrong password is answered in words, and nothing else happens', async () => {
  const page = await session(null);
  await page.goto(BASE + '/#/login');
  await page.getByLabel('E-mail').fill('ana@demo.halo.local');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.innerText();
  assert(/password|credentials|e-mail/i.test(text), `message: ${text}`);
  assert((await page.evaluate(() => sessionStorage.getItem('halo.session'))) === null, 'a session after a failed login');
  await axe(page, 'sign-in');
  await page.context().close();
});

await test('each role signs in and lands on its own page', async () => {
  const expect = { admin: /^Overview/, consultant: /^Welcome, Ana Ruiz/, customer: /^Hello, Mia Customer/ };
  for (const role of ['admin', 'consultant', 'customer']) {
    const t0 = Date.now();
    const page = await session(role);
    const h1 = page.locator('main h1').first();
    await h1.waitFor();
    const text = await h1.innerText();
    assert(expect[role].test(text), `${role} landed on "${text}"`);
    if (role === 'consultant') {
      await page.getByTestId('projected-total').waitFor();
      timings.consultant_home_ms = Date.now() - t0;
    }
    assert(!(await page.evaluate(() => location.href)).includes('token'), 'a token in the URL');
    assert(page.errors.length === 0, `${role}: ${page.errors.join('; ')}`);
    await page.context().close();
  }
});

await test('the consultant home renders quickly and passes axe; screenshot', async () => {
  const page = await session('consultant');
  const t0 = Date.now();
  await page.goto(BASE + '/#/');
  await page.reload();
  await page.getByTestId('wallet-balance').waitFor();
  timings.consultant_home_reload_ms = Date.now() - t0;
  await page.getByText('Your upline').waitFor();
  await axe(page, 'consultant home');
  await page.screenshot({ path: join(SHOTS, 'consultant-home.png'), fullPage: true });
  await page.context().close();
});

await test('a statement in the UI shows the same amounts and explanations as the API', async () => {
  const page = await session('consultant');
  const dash = await apiIn(page, '/members/ana/dashboard');
  const runs = dash.body.runs;
  assert(runs.length > 0, 'no committed run on the dashboard');
  const run = runs[runs.length - 1].run_id;
  const api = await apiIn(page, `/members/ana/statements/${run}`);
  assert(api.status === 200 && api.body.lines.length > 0, `statement ${api.status}`);
  await page.goto(BASE + '/#/earnings');
  await page.locator(`a[href="#/earnings/${run}"]`).click();
  await page.getByTestId('statement-lines').waitFor();
  const rows = await page.locator('[data-testid=statement-lines] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ id: tr.getAttribute('data-line'), why: tr.querySelector('.explanation').textContent, amount: tr.querySelector('.amount').textContent })),
  );
  assert(rows.length === api.body.lines.length, `${rows.length} rows, ${api.body.lines.length} lines`);
  for (const [i, l] of api.body.lines.entries()) {
    assert(rows[i].id === l.id, `row ${i}: ${rows[i].id} vs ${l.id}`);
    assert(rows[i].why === l.explanation.text, `line ${l.id}: "${rows[i].why}" vs "${l.explanation.text}"`);
    assert(decimalOf(rows[i].amount) === l.amount, `line ${l.id}: ${rows[i].amount} vs ${l.amount}`);
  }
  assert(decimalOf(await page.getByTestId('statement-total').innerText()) === api.body.total, 'total');
  await axe(page, 'statement');
  await page.screenshot({ path: join(SHOTS, 'statement.png'), fullPage: true });
  await page.goto(BASE + '/#/earnings');
  await page.locator('canvas').first().waitFor();
  await axe(page, 'earnings');
  await page.context().close();
});

await test('the tree viewer expands a node, loads its children, and works from the keyboard', async () => {
  const page = await session('consultant');
  await page.goto(BASE + '/#/genealogy');
  await page.locator('.tnode[data-id="ana"]').waitFor();
  const ids = async () => page.locator('button.tnode').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-id')));
  const before = new Set(await ids());
  const edge = page.locator('button.tnode:has(.more)').first();
  assert((await edge.count()) > 0, 'no member at the edge with children below');
  const target = await edge.getAttribute('data-id');
  const t0 = Date.now();
  await edge.click();
  await page.locator(`.tnode.focus-root[data-id="${target}"]`).waitFor();
  await page.waitForFunction((known) => [...document.querySelectorAll('button.tnode')].some((b) => !known.includes(b.getAttribute('data-id'))), [...before]);
  timings.tree_expand_ms = Date.now() - t0;
  const after = await ids();
  assert(after.some((id) => !before.has(id)), 'no new members loaded');
  await axe(page, 'tree viewer');
  // Keyboard: focus the node in focus, arrow to a child, back up, Enter opens.
  await page.locator(`.tnode[data-id="${target}"]`).focus();
  await page.keyboard.press('ArrowLeft');
  const moved = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
  assert(moved && moved !== target, `arrow left stayed on ${moved}`);
  await page.keyboard.press('ArrowUp');
  assert((await page.evaluate(() => document.activeElement?.getAttribute('data-id'))) === target, 'arrow up did not return to the parent');
  await page.keyboard.press('ArrowRight');
  const right = await page.evaluate(() => document.activeElement?.getAttribute('data-id'));
  if (right && right !== target) {
    await page.keyboard.press('Enter');
    await page.locator(`.tnode.focus-root[data-id="${right}"]`).waitFor();
  }
  await page.getByRole('button', { name: 'Back to me' }).click();
  await page.locator('.tnode.focus-root[data-id="ana"]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'tree-viewer.png'), fullPage: true });
  // Search the downline by name and open the hit.
  await page.getByPlaceholder('Search your downline').fill('carla');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('button', { name: /Carla Jensen/ }).click();
  await page.locator('.tnode.focus-root[data-id="carla"]').waitFor();
  // Jump to the bottom of the left leg.
  await page.getByRole('button', { name: 'Bottom of left leg' }).click();
  await page.waitForFunction(() => document.querySelector('.tnode.focus-root')?.getAttribute('data-id') !== 'carla');
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.context().close();
});

await test('an admin previews and commits a run, and the consultant then sees it', async () => {
  const page = await session('admin');
  await page.goto(BASE + '/#/runs');
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.getByTestId('run-total').waitFor({ timeout: 60000 });
  const runId = decodeURIComponent((await page.evaluate(() => location.hash)).split('/')[2]);
  const api = await apiIn(page, `/payout-runs/${runId}`);
  assert(api.body.status === 'draft', `status ${api.body.status}`);
  assert(decimalOf(await page.getByTestId('run-total').innerText()) === api.body.totals.total, 'total differs from the API');
  assert(api.body.change_from_previous, 'no change from the previous run');
  await axe(page, 'run preview');
  await page.screenshot({ path: join(SHOTS, 'admin-payout-preview.png'), fullPage: true });
  await page.getByRole('button', { name: 'Commit…' }).click();
  await page.getByRole('button', { name: 'Yes, commit' }).click();
  await page.getByText('Committed: wallets are credited').waitFor({ timeout: 60000 });
  const after = await apiIn(page, `/payout-runs/${runId}`);
  assert(after.body.status === 'committed', `after commit: ${after.body.status}`);
  await page.context().close();

  const ana = await session('consultant');
  await ana.goto(BASE + '/#/earnings');
  await ana.locator(`a[href="#/earnings/${runId}"]`).waitFor();
  await ana.context().close();
});

await test('a withdrawal goes request → approve → paid', async () => {
  const carla = await session('carla');
  await carla.goto(BASE + '/#/wallet');
  await carla.getByTestId('balance').waitFor();
  await carla.getByLabel('Amount in dollars').fill('50.00');
  await carla.getByRole('button', { name: 'Request withdrawal' }).click();
  const ok = carla.getByText(/Withdrawal .* requested/);
  await ok.waitFor();
  const id = (await ok.innerText()).match(/Withdrawal (\S+) requested/)[1];
  await carla.locator(`[data-testid=withdrawals] tr[data-id="${id}"] .status`).getByText('Requested').waitFor();
  await axe(carla, 'wallet');

  const admin = await session('admin');
  await admin.goto(BASE + '/#/withdrawals');
  const row = admin.locator(`tr[data-id="${id}"]`);
  await row.getByRole('button', { name: 'Approve' }).click();
  await admin.getByLabel('Status').selectOption('approved');
  await admin.locator(`tr[data-id="${id}"]`).getByRole('button', { name: 'Mark paid…' }).click();
  await admin.locator(`tr[data-id="${id}"]`).getByLabel('Payment reference').fill('ACH-E2E-1');
  await admin.locator(`tr[data-id="${id}"]`).getByRole('button', { name: 'Mark paid', exact: true }).click();
  await admin.getByLabel('Status').selectOption('paid');
  await admin.locator(`tr[data-id="${id}"]`).waitFor();
  await axe(admin, 'withdrawal queue');
  await admin.context().close();

  await carla.reload();
  await carla.locator(`[data-testid=withdrawals] tr[data-id="${id}"] .status`).getByText('Paid').waitFor();
  await carla.context().close();
});

await test('a customer sees its services and consultant, and cannot reach admin pages', async () => {
  const page = await session('customer');
  await page.getByText('Your consultant').waitFor();
  const nav = await page.locator('nav#nav').innerText();
  assert(!/Members|Payout runs|Withdrawals/.test(nav), `admin links shown to a customer: ${nav}`);
  await page.getByText(/Services from/).first().waitFor();
  await axe(page, 'customer home');
  await page.screenshot({ path: join(SHOTS, 'customer.png'), fullPage: true });
  await page.goto(BASE + '/#/members');
  await page.getByText('Page not found').waitFor();
  for (const path of ['/members', '/payout-runs', '/withdrawals', '/audit', '/members/ana/dashboard']) {
    const r = await apiIn(page, path);
    assert(r.status === 403 || r.status === 404, `${path} answered ${r.status} to a customer`);
    assert(r.body?.error?.message, `${path}: no message`);
  }
  await page.context().close();
});

await test('admin pages pass axe; members list filters pending pack payments', async () => {
  const page = await session('admin');
  await axe(page, 'admin overview');
  await page.goto(BASE + '/#/members?pending_payment=true');
  await page.getByTestId('members').getByText('Quinn Walker').waitFor();
  await axe(page, 'members');
  await page.goto(BASE + '/#/runs');
  await page.getByTestId('runs').waitFor();
  await axe(page, 'runs');
  await page.goto(BASE + '/#/vendors');
  await page.getByText('SunPower (demo)').waitFor();
  await axe(page, 'vendors');
  await page.context().close();
});

await test('an admin imports an NDJSON network and follows its progress to the end', async () => {
  const page = await session('admin');
  await page.goto(BASE + '/#/import');
  const end = (await apiIn(page, '/members/ana/leg-end/left')).body.id; // its left leg is free
  const lines = [];
  for (let i = 1; i <= 40; i++) {
    lines.push(JSON.stringify({ id: `imp-${i}`, name: `Imported ${i}`, email: `imp-${i}@example.com`, plan: 'affiliate', sponsor_id: i === 1 ? 'ana' : 'imp-1',
      placement: i === 1 ? { parent_id: end, leg: 'left' } : { parent_id: `imp-${Math.floor(i / 2)}`, leg: i % 2 ? 'right' : 'left' }, registered_at: new Date().toISOString() }));
  }
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'network.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n') + '\n') });
  await page.getByRole('button', { name: 'Import' }).click();
  await Promise.race([page.getByRole('progressbar', { name: 'Import progress' }).waitFor(), page.getByRole('alert').waitFor()]);
  if (await page.getByRole('alert').count()) throw new Error('import refused: ' + (await page.getByRole('alert').first().innerText()));
  await page.getByText('40 of 40 lines written').waitFor({ timeout: 30000 }).catch(async (e) => {
    throw new Error(`${e.message}: ${await page.locator('main').innerText()}`);
  });
  assert((await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('aria-valuenow')) === '100', 'progress is not 100');
  await axe(page, 'import');
  // A bad file is refused whole, with the line named.
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"id":"x"}\n') });
  await page.getByRole('button', { name: 'Import' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert(/line 1/.test(await alert.innerText()), `bad file: ${await alert.innerText()}`);
  await page.context().close();
});

await test('a referral link opens the join page with the sponsor filled in, and the new consultant signs in', async () => {
  const ana = await session('consultant');
  await ana.goto(BASE + '/#/customers');
  const link = await ana.getByLabel('Referral link', { exact: true }).inputValue();
  assert(link.endsWith('/#/join?sponsor=ana'), `link ${link}`);
  await ana.context().close();
  const page = await session(null);
  await page.goto(link);
  assert((await page.getByLabel('Referral code (your sponsor)').inputValue()) === 'ana', 'sponsor not filled in');
  await page.getByLabel('Choose a member id').fill('e2e-joiner');
  await page.getByLabel('Full name').fill('Eve Joiner');
  await page.getByLabel('E-mail').fill('eve@example.com');
  await page.getByLabel('Password').fill('eve-password-123');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByText(/Welcome, Eve Joiner/).waitFor();
  await axe(page, 'join');
  await page.getByRole('link', { name: 'I already have an account' }).click();
  // The join form also has "E-mail" and "Password": fill only once the sign-in page has replaced it.
  await page.getByRole('heading', { name: 'Sign in to Halo' }).waitFor();
  await page.getByLabel('E-mail').fill('eve@example.com');
  await page.getByLabel('Password').fill('eve-password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('main h1', { hasText: 'Welcome, Eve Joiner' }).waitFor();
  await page.context().close();
});

await test('a consultant registers for an event, sees its place, and cancels', async () => {
  const page = await session('carla');
  await page.goto(BASE + '/#/events');
  const card = page.locator('section.card', { hasText: 'Compliance day' });
  await card.waitFor();
  const mine = card.getByText('Your registration:');
  if ((await mine.count()) === 0) {
    await card.getByRole('button', { name: 'Register' }).click();
    await card.getByRole('status').waitFor();
  }
  await card.getByText('Your registration:').waitFor();
  await card.getByRole('button', { name: 'Cancel registration' }).click();
  await card.getByText('Your registration is cancelled.').waitFor();
  await card.getByRole('button', { name: 'Register' }).waitFor();
  await axe(page, 'events');
  await page.context().close();
});

await test('the knowledge-base editor previews what readers will see', async () => {
  const page = await session('admin');
  await page.goto(BASE + '/#/kb/new');
  await page.getByLabel('Title').fill('Carry, explained');
  await page.getByLabel('Body (Markdown)').fill('# Carry\n\nWhat is **not paired** moves to the next week. <script>alert(1)</script>');
  await page.getByRole('button', { name: 'Save draft and preview' }).click();
  const preview = page.locator('.md-preview');
  await preview.locator('strong', { hasText: 'not paired' }).waitFor();
  assert((await preview.locator('script').count()) === 0, 'a script survived into the preview');
  await axe(page, 'knowledge-base editor');
  await page.context().close();
});

await test('a consultant refers a prospect with consent, then sees the pipeline and the history', async () => {
  const page = await session('consultant');
  await page.getByRole('link', { name: 'Referrals' }).click();
  const before = await apiIn(page, '/members/ana/referral-pipeline');
  const submittedBefore = before.body.pipeline.filter((c) => c.status === 'submitted').reduce((n, c) => n + c.count, 0);
  await page.getByTestId('pipeline').waitFor();
  await page.getByRole('combobox', { name: /^Vendor/ }).selectOption('sunpower-demo');
  await page.getByRole('combobox', { name: /^Product of interest/ }).selectOption('SOLAR-6KW');
  await page.getByLabel('Their name', { exact: true }).fill('Browser Prospect');
  await page.getByLabel('E-mail', { exact: true }).fill('browser.prospect@example.com');
  await page.getByLabel('Phone', { exact: true }).fill('+1 512 555 0199');
  const send = page.getByRole('button', { name: 'Send the referral' });
  assert(await send.isDisabled(), 'a referral can be sent without the consent box ticked');
  await page.getByLabel('They agreed to the text above').check();
  await send.click();
  const ok = page.locator('.alert.ok');
  await ok.waitFor();
  assert(/protects your credit until/.test(await ok.innerText()), await ok.innerText());
  const after = await apiIn(page, '/members/ana/referral-pipeline');
  const submittedAfter = after.body.pipeline.filter((c) => c.status === 'submitted').reduce((n, c) => n + c.count, 0);
  assert(submittedAfter === submittedBefore + 1, `submitted ${submittedBefore} → ${submittedAfter}`);
  await page.getByTestId('referrals').getByRole('link', { name: 'Browser Prospect' }).waitFor();
  await axe(page, 'referrals');
  await page.screenshot({ path: join(SHOTS, 'consultant-referrals.png'), fullPage: true });
  await page.getByTestId('referrals').getByRole('link', { name: 'Priya Shah' }).click();
  const history = page.getByTestId('history');
  await history.waitFor();
  const steps = await history.locator('li .badge').allInnerTexts();
  assert(steps.join(',').startsWith('Submitted,Accepted,Contacted,Quoted,Won'), `history: ${steps.join(',')}`);
  await page.getByText('cust-priya', { exact: true }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'referral-history.png'), fullPage: true });
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.context().close();
});

await test("a customer refers a friend, credited to the customer's consultant", async () => {
  const page = await session('customer');
  await page.getByRole('link', { name: 'Refer a friend' }).click();
  await page.getByRole('combobox', { name: /^Vendor/ }).selectOption('ecobee-demo');
  await page.getByLabel('Their name', { exact: true }).fill('Friend Of Mia');
  await page.getByLabel('Phone', { exact: true }).fill('512 555 0142');
  await page.getByLabel('They agreed to the text above').check();
  await page.getByRole('button', { name: 'Send the referral' }).click();
  await page.locator('.alert.ok').waitFor();
  const list = await apiIn(page, '/members/cust-mia/referrals');
  const mine = list.body.items.find((r) => r.prospect.name === 'Friend Of Mia');
  assert(mine && mine.owner_id === 'carla' && mine.submitted_by === 'cust-mia', JSON.stringify(mine));
  const others = await apiIn(page, '/referrals?limit=5');
  assert(others.status === 403, `a customer lists every referral: ${others.status}`);
  await page.context().close();
});

await test('the admin sees referral conversion, delivery health, and sets a vendor\'s referral terms', async () => {
  const page = await session('admin');
  const conv = page.getByTestId('conversion-vendor');
  await conv.waitFor();
  assert(/SunPower \(demo\)/.test(await conv.innerText()), 'no SunPower conversion row');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Referrals' }).click();
  const health = page.getByTestId('delivery-health');
  await health.waitFor();
  const text = await health.innerText();
  assert(/sunpower-demo/.test(text) && /Pull/.test(text), `health: ${text}`);
  await axe(page, 'referral delivery health');
  await page.screenshot({ path: join(SHOTS, 'admin-referrals.png'), fullPage: true });
  await page.goto(BASE + '/#/vendors/chargepoint-demo');
  await page.getByLabel('Webhook URL').fill('https://169.254.169.254/latest/meta-data');
  await page.getByRole('button', { name: 'Save referral terms' }).click();
  const err = page.getByRole('alert');
  await err.waitFor();
  assert(/private, loopback or link-local/.test(await err.innerText()), await err.innerText());
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.context().close();
});

await test('a consultant records a W-9 and a bank account; both show masked; a wrong check digit is refused', async () => {
  const page = await session('dev');
  await page.getByRole('link', { name: 'Tax & payouts' }).click();
  await page.getByTestId('missing').waitFor();
  await page.getByLabel('Legal name (as on your tax return)').fill('Dev Patel');
  await page.getByLabel('Taxpayer identification number', { exact: true }).fill('123-45-4321');
  await page.getByLabel('Street address').fill('7 Elm St');
  await page.getByLabel('City', { exact: true }).fill('Austin');
  await page.getByLabel('State', { exact: true }).fill('TX');
  await page.getByLabel('ZIP', { exact: true }).fill('78701');
  await page.getByLabel(/Under penalties of perjury/).check();
  await page.getByRole('button', { name: 'Save W-9' }).click();
  await page.getByText('W-9 saved.').waitFor();
  await page.getByText('SSN ***-**-4321').waitFor();
  await page.getByLabel('Account holder').fill('Dev Patel');
  await page.getByLabel('Routing number').fill('011000016');
  await page.getByLabel('Account number').fill('000555123456');
  await page.getByRole('button', { name: 'Save bank account' }).click();
  const err = page.getByRole('alert').filter({ hasText: 'routing' });
  await err.waitFor();
  assert(/check digit/.test(await err.innerText()), await err.innerText());
  await page.getByLabel('Routing number').fill('011000015');
  await page.getByRole('button', { name: 'Save bank account' }).click();
  await page.getByText('Checking ****3456').waitFor();
  const html = await page.content();
  assert(!html.includes('000555123456') && !html.includes('123-45-4321'), 'a full account number or TIN is on the page');
  await axe(page, 'tax and payouts');
  await page.screenshot({ path: join(SHOTS, 'consultant-tax.png'), fullPage: true });
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.context().close();
});

await test('a self-registered consultant pays its pack by card; Stripe\'s signed webhook makes it effective', async () => {
  const page = await session('quinn');
  await page.getByRole('link', { name: 'Tax & payouts' }).click();
  await page.getByTestId('pack-pending').waitFor();
  await page.getByRole('button', { name: 'Pay by card' }).click();
  await page.locator('.alert.ok').filter({ hasText: 'opened with Stripe' }).waitFor();
  const list = await apiIn(page, '/members/demo-joiner/payments');
  const pay = list.body.payments[0];
  assert(pay && pay.status === 'requires_payment' && pay.amount === '99.00', JSON.stringify(list.body));
  // Stripe reports the payment: a signed webhook as Stripe sends it.
  const body = JSON.stringify({ id: 'evt_e2e_1', object: 'event', type: 'payment_intent.succeeded', api_version: '2024-06-20', created: Math.floor(Date.now() / 1000),
    data: { object: { id: pay.provider_id, object: 'payment_intent', status: 'succeeded', metadata: { halo_payment_id: pay.id } } } });
  const t = Math.floor(Date.now() / 1000);
  const sig = createHmac('sha256', process.env.HALO_STRIPE_WEBHOOK_SECRET ?? 'whsec_e2e').update(`${t}.${body}`).digest('hex');
  for (let i = 0; i < 2; i++) {
    const r = await fetch(BASE + '/api/v1/payments/stripe/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${sig}` }, body });
    assert(r.status === 200, `webhook ${i + 1}: ${r.status} ${await r.text()}`);
  }
  await page.reload();
  await page.getByTestId('payments').getByText('Paid').waitFor();
  assert((await page.getByTestId('pack-pending').count()) === 0, 'the pack still shows as waiting');
  await page.screenshot({ path: join(SHOTS, 'consultant-payment.png'), fullPage: false });
  await page.context().close();
});

await test('the admin verifies KYC, holds payouts, batches approved withdrawals into an ACH file, and reads the 1099 and the income disclosure', async () => {
  const page = await session('admin');
  await page.goto(BASE + '/#/members/dev');
  const card = page.getByRole('region', { name: 'Compliance' });
  await card.waitFor();
  await page.getByRole('button', { name: 'Mark KYC verified' }).click();
  await page.getByText('Identity verified.').waitFor();
  await card.getByLabel(/^Reason/).fill('document review');
  await page.getByRole('button', { name: 'Hold payouts' }).click();
  await card.locator('.badge', { hasText: 'On hold: document review' }).waitFor();
  await card.getByLabel(/^Reason/).fill('review closed');
  await page.getByRole('button', { name: 'Release hold' }).click();
  await page.getByText('Hold released').waitFor();
  // Ana's requested withdrawal, approved, goes into a batch.
  const open = await apiIn(page, '/withdrawals?status=requested&limit=50');
  for (const w of open.body.items) await apiIn(page, `/withdrawals/${w.id}/approve`, { method: 'POST', body: '{}' });
  await page.getByRole('link', { name: 'Payout batches' }).click();
  await page.getByRole('button', { name: 'Create a batch' }).click();
  await page.locator('.alert.ok').filter({ hasText: 'payments' }).waitFor();
  await page.getByTestId('batches').locator('a').first().click();
  await page.getByTestId('batch-entries').waitFor();
  const dl = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download ACH file' }).click();
  const file = await (await dl).path();
  const lines = readFileSync(file, 'ascii').trimEnd().split('\n');
  assert(lines.length % 10 === 0 && lines.every((l) => l.length === 94) && lines[0].startsWith('101') && lines[1].includes('PPD'), `ACH file: ${lines.length} lines`);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Mark sent to the bank' }).click();
  await page.getByText('Marked sent').waitFor();
  await axe(page, 'payout batch');
  await page.screenshot({ path: join(SHOTS, 'admin-batch.png'), fullPage: true });
  await page.getByRole('link', { name: 'Tax forms' }).click();
  await page.getByTestId('recipients').waitFor();
  await axe(page, '1099-NEC');
  await page.getByRole('link', { name: 'Income disclosure' }).click();
  await page.getByTestId('disclosure').waitFor();
  assert(/before any expenses/.test(await page.getByTestId('basis').innerText()), 'the statement does not say what is counted');
  await axe(page, 'income disclosure');
  await page.screenshot({ path: join(SHOTS, 'income-disclosure.png'), fullPage: true });
  assert(page.errors.length === 0, page.errors.join('; '));
  await page.context().close();
});

await test('on a phone-sized screen the pages fit and the menu opens', async () => {
  const page = await session('consultant', { width: 390, height: 844 });
  await page.getByTestId('wallet-balance').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `the home page is ${overflow}px wider than the screen`);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Wallet' }).click();
  await page.getByTestId('balance').waitFor();
  await page.screenshot({ path: join(SHOTS, 'consultant-phone.png'), fullPage: false });
  await page.context().close();
});

await test('sign-out clears the session', async () => {
  const page = await session('consultant');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert((await page.evaluate(() => sessionStorage.getItem('halo.session'))) === null, 'the token is still stored');
  await page.goto(BASE + '/#/wallet');
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.context().close();
});

await browser.close();
console.log('timings ' + JSON.stringify(timings));
const failed = results.filter(([, ok]) => !ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed);
