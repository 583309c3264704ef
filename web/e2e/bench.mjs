// The back office's speed on a large network, in Chromium, against a running halod:
//   HALO_URL=http://127.0.0.1:8080 node e2e/bench.mjs MEMBER [MEMBER…]
// For each member it renders the consultant home five times (navigation to the wallet balance
// on screen) and expands ten tree nodes one after another (click to the new members on screen).
// It signs in as the admin and views each member as that member would see it (the admin's token
// reaches the same member-scoped endpoints), so imported members need no passwords.
import { chromium } from 'playwright-core';

const BASE = process.env.HALO_URL ?? 'http://127.0.0.1:8080';
const [email, password] = [process.env.HALO_ADMIN_EMAIL ?? 'admin@halo.local', process.env.HALO_ADMIN_PASSWORD ?? 'admin-demo-password'];
const members = process.argv.slice(2);
const login = await (await fetch(BASE + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) })).json();
const browser = await chromium.launch({
  executablePath: process.env.HALO_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
};
for (const member of members) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript((s) => sessionStorage.setItem('halo.session', s), JSON.stringify({ token: login.token, member_id: member, role: 'consultant' }));
  const page = await ctx.newPage();
  const home = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.goto(BASE + '/#/');
    if (i > 0) await page.reload();
    await page.getByTestId('wallet-balance').waitFor({ timeout: 60000 });
    home.push(Date.now() - t0);
  }
  await page.goto(BASE + '/#/genealogy');
  await page.locator(`.tnode[data-id="${member}"]`).waitFor({ timeout: 60000 });
  const expand = [];
  for (let i = 0; i < 10; i++) {
    const edge = page.locator('button.tnode:has(.more)').first();
    if ((await edge.count()) === 0) break;
    const target = await edge.getAttribute('data-id');
    const t0 = Date.now();
    await edge.click();
    await page.locator(`.tree-wrap[aria-busy="false"] .tnode.focus-root[data-id="${target}"]`).waitFor({ timeout: 60000 });
    expand.push(Date.now() - t0);
  }
  console.log(JSON.stringify({ member, home_ms: stats(home), tree_expand_ms: stats(expand) }));
  await ctx.close();
}
await browser.close();
