// Browser test of `cairn serve --demo` in headless Chromium (playwright-core + Debian chromium):
// sign in with TOTP, open a case, screen the child (field errors, explained result, confirmation),
// refer it to another organisation, accept it there, withdraw the
// consent and see the share refused; raise a signal from a cluster and accept it at child protection; axe-core (WCAG 2.1 A/AA) on every page visited; any console
// error or page error fails the run. Usage: node run.mjs [path/to/cairn]
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CAIRN = process.argv[2] || process.env.CAIRN_BIN || '../../target/debug/cairn';
const CHROMIUM = process.env.CAIRN_CHROMIUM || '/usr/bin/chromium';

function fail(msg) {
  console.error(`browser test FAILED: ${msg}`);
  process.exitCode = 1;
  throw new Error(msg);
}

function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of s.replace(/=+$/, '')) {
    const v = alphabet.indexOf(ch);
    if (v < 0) fail(`bad base32 ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const out = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}

// RFC 6238, SHA-1, 6 digits, 30 s; `offset` steps ahead (a code works once per user).
function totp(secret, offset = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(CAIRN, ['serve', '--demo', '--demo-cases', '6', '--addr', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no demo logins after 120 s:\n${out}`)), 120000);
    child.on('exit', (code) => reject(new Error(`cairn serve exited with ${code}:\n${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('user=police.worker')) {
        clearTimeout(timer);
        const url = out.match(/cairn serve: (http:\/\/\S+?)\/?\n/)[1];
        const logins = {};
        for (const m of out.matchAll(/user=(\S+) password=(\S+) role=(\S+) organisation="([^"]+)" totp=(\S+)/g)) {
          logins[m[1]] = { password: m[2], role: m[3], organisation: m[4], totp: m[5] === '-' ? null : m[5] };
        }
        resolve({ child, url, logins });
      }
    });
  });
}

const { child, url, logins } = await startServer();
const used = {}; // TOTP steps already used per user
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const problems = [];
const expectedErrors = [];
let axeChecked = 0;

async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A form sent with errors on purpose answers 422: expected once, any other error is a problem.
    const i = expectedErrors.findIndex((re) => re.test(`${m.text()} ${page.url()}`));
    if (i >= 0) expectedErrors.splice(i, 1);
    else problems.push(`console: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
  return page;
}

async function axe(page, what) {
  // The CSP forbids inline scripts (rightly): inject axe through the DevTools protocol.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Runtime.evaluate', { expression: AXE });
    await cdp.detach();
  }
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0]?.html}`);
  });
  for (const v of result) problems.push(`axe on ${what}: ${v}`);
  axeChecked += 1;
}

async function login(page, user) {
  const l = logins[user] || fail(`no demo login ${user}`);
  await page.goto(`${url}/login`);
  await axe(page, 'login');
  await page.fill('#username', user);
  await page.fill('#password', l.password);
  await Promise.all([page.waitForURL(/\/(login\/totp|dashboard)$/), page.click('button[type=submit]')]);
  if (page.url().endsWith('/login/totp')) {
    used[user] = (used[user] ?? -1) + 1;
    await page.fill('#code', totp(l.totp, used[user]));
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main button[type=submit]')]);
  }
  if (!page.url().endsWith('/dashboard')) fail(`${user} did not reach the dashboard: ${page.url()}`);
}

async function logout(page) {
  await Promise.all([page.waitForURL(/\/login$/), page.click('header form button[type=submit]')]);
}

try {
  const page = await newPage();
  await login(page, 'ngo.worker');
  await axe(page, 'dashboard');
  await page.goto(`${url}/cases`);
  await axe(page, 'case list');
  const caseIds = await page.$$eval('a.case-link', (as) => as.map((a) => a.textContent.trim()));
  if (caseIds.length < 4) fail(`expected the demo cases, got ${caseIds.length}`);
  // A case whose guardian agreed to a referral to child protection, not referred yet.
  let caseId = null;
  for (const id of caseIds) {
    await page.goto(`${url}/cases/${id}`);
    const consented = await page.locator('tr.consent', { hasText: 'referral' }).count();
    const referred = await page.locator('tr.referral').count();
    if (consented > 0 && referred === 0) { caseId = id; break; }
  }
  if (!caseId) fail('no demo case with a referral consent');
  await axe(page, 'case file');
  if (!(await page.locator('#person').isVisible())) fail('the lead organisation sees the person');
  const cps = await page.$$eval('#to_organisation option', (os) => os.find((o) => o.textContent.includes('Child Protection'))?.value);
  if (!cps) fail('child protection among the receiving organisations');
  await page.selectOption('#to_organisation', cps);
  await page.fill('#referral-reason', 'Fictional: placement in care needed.');
  await Promise.all([page.waitForURL(new RegExp(`/cases/${caseId}$`)), page.click('#refer-form button[type=submit]')]);
  const status = await page.locator('tr.referral td.status').first().textContent();
  if (!status.includes('sent')) fail(`referral status after sending: ${status}`);

  // Screen the child: a blank answer is named at its field, then the explained result, confirmed.
  await Promise.all([page.waitForURL(new RegExp(`/cases/${caseId}/screenings$`)), page.click('#screenings-link')]);
  await axe(page, 'screenings of a case');
  await Promise.all([page.waitForURL(/\/screenings\/new$/), page.click('#new-screening')]);
  await axe(page, 'screening form');
  const questions = await page.$$eval('fieldset.question', (fs) => fs.map((f) => f.id.slice(2)));
  if (questions.length < 10) fail(`the questionnaire's questions, got ${questions.length}`);
  for (const q of questions.slice(1)) await page.check(`#${q}-${q === 'exp_held_now' ? 'yes' : 'no'}`);
  expectedErrors.push(/status of 422 .*\/screenings$/);
  await Promise.all([page.waitForURL(/\/screenings$/), page.click('#screening-submit')]);
  if (!(await page.locator(`#err-${questions[0]}`).isVisible())) fail('the blank answer is named at its field');
  await axe(page, 'screening form with errors');
  await page.check(`#${questions[0]}-unknown`);
  await Promise.all([page.waitForURL(/\/screenings\/scr[^/]+$/), page.click('#screening-submit')]);
  const level = await page.locator('#screening-level').getAttribute('data-level');
  if (level !== 'immediate_danger') fail(`screening level: ${level}`);
  if (!(await page.locator('#evidence').textContent()).includes('exploitation.')) fail('the evidence names its indicator');
  await axe(page, 'screening result');
  const screeningUrl = page.url();
  await Promise.all([page.waitForURL(screeningUrl), page.click('#confirm-screening')]);
  if (!(await page.locator('#confirmed').isVisible())) fail('the screening is confirmed');
  // Services: the directory, then the case's needs matched and one service planned.
  await page.goto(`${url}/services?kind=shelter&language=fr`);
  if ((await page.locator('tr.service').count()) < 1) fail('shelters in the services directory');
  await axe(page, 'services directory');
  await page.goto(`${url}/cases/${caseId}/services?kind=legal_aid`);
  await axe(page, 'services for a case');
  await Promise.all([page.waitForURL(new RegExp(`/cases/${caseId}/services$`)), page.locator('tr.service button.plan').first().click()]);
  if ((await page.locator('tr.plan').count()) < 1) fail('the planned service in the case plan');
  // The one statement: the demo's recorder sees its transcript and the pending access request.
  let statementSeen = false;
  for (const id of caseIds) {
    await page.goto(`${url}/cases/${id}/statement`);
    if (await page.locator('#transcript').count()) { statementSeen = true; break; }
  }
  if (!statementSeen) fail('the demo statement and its transcript');
  if ((await page.locator('tr.access-request').count()) < 1) fail('the pending access request');
  await axe(page, 'statement');
  await logout(page);

  await login(page, 'cps.worker');
  await page.goto(`${url}/referrals`);
  await axe(page, 'referrals');
  const row = page.locator('tr.referral', { hasText: caseId });
  await Promise.all([page.waitForURL(/\/referrals$/), row.locator('button', { hasText: 'Mark received' }).click()]);
  await Promise.all([page.waitForURL(/\/referrals$/), page.locator('tr.referral', { hasText: caseId }).locator('button.accept').click()]);
  await page.goto(`${url}/cases/${caseId}`);
  if (!(await page.locator('#person').isVisible())) fail('the receiving organisation sees the person once accepted');
  await logout(page);

  await login(page, 'ngo.worker');
  await page.goto(`${url}/cases/${caseId}`);
  const consentRow = page.locator('tr.consent', { hasText: 'referral' });
  await Promise.all([page.waitForURL(new RegExp(`/cases/${caseId}$`)), consentRow.locator('button.withdraw').click()]);
  if (!(await page.locator('tr.consent', { hasText: 'referral' }).textContent()).includes('Withdrawn')) fail('consent shown withdrawn');
  await logout(page);

  await login(page, 'cps.worker');
  await page.goto(`${url}/cases/${caseId}`);
  if (!(await page.locator('#share-refused').isVisible())) fail('the share is refused after withdrawal');
  if (await page.locator('#person').count()) fail('no identifying field after withdrawal');
  await axe(page, 'case file, share refused');
  // French, per user.
  await page.goto(`${url}/account`);
  await page.selectOption('#lang', 'fr');
  await Promise.all([page.waitForURL(/\/account$/), page.click('main form button[type=submit]')]);
  await page.goto(`${url}/dashboard`);
  if (!(await page.locator('h1').textContent()).includes('Tableau de bord')) fail('French dashboard');
  await axe(page, 'dashboard (fr)');

  // The auditor sees the refusal in the audit log (filtered through htmx).
  const audit = await newPage();
  await login(audit, 'ngo.auditor');
  await audit.goto(`${url}/audit`);
  await audit.fill('#f-action', 'share');
  await Promise.all([audit.waitForResponse((r) => r.url().includes('/audit?')), audit.click('main form button[type=submit]')]);
  await audit.waitForSelector('#audit-rows tr.outcome-denied');
  await axe(audit, 'audit log');

  // The bridge: the analyst raises a signal from the demo cluster to the child-protection
  // organisation on duty; there a coordinator accepts it and the draft becomes an Active case.
  const analyst = await newPage();
  await login(analyst, 'ngo.analyst');
  await analyst.goto(`${url}/clusters`);
  await axe(analyst, 'clusters');
  await Promise.all([analyst.waitForURL(/\/clusters\/demo-cluster-1$/), analyst.locator('tr.cluster a', { hasText: 'demo-cluster-1' }).click()]);
  await axe(analyst, 'cluster');
  if (await analyst.locator('img').count()) fail('no image on the cluster page');
  await analyst.fill('#note', 'Fictional: three ads share a phone number');
  await Promise.all([analyst.waitForURL(/\/signals\/sig[-_0-9a-z]+$/), analyst.click('#raise-signal button[type=submit]')]);
  const signalId = analyst.url().split('/').pop();
  await axe(analyst, 'signal (raised)');
  const cp = await newPage();
  await login(cp, 'cps.coordinator');
  await cp.goto(`${url}/signals`);
  await axe(cp, 'signals');
  await Promise.all([cp.waitForURL(new RegExp(`/signals/${signalId}$`)), cp.locator(`tr.signal[data-signal="${signalId}"] a`).click()]);
  await axe(cp, 'signal (incoming)');
  await Promise.all([cp.waitForURL(/\/cases\/[-_0-9a-z]+$/), cp.click('#accept-signal button[type=submit]')]);
  if (!(await cp.locator('#case-status').textContent()).includes('Active')) fail('the accepted signal is an Active case');
  await axe(cp, 'case from a signal');

  // webmore: the duty roster. The coordinator of child protection puts it on duty for the NGO's
  // region, sees the period current, and ends it.
  await cp.goto(`${url}/duty`);
  await axe(cp, 'duty roster');
  await cp.selectOption('#duty-organisation', { label: 'Demo Child Protection Nord (fictional) (FR)' });
  await cp.fill('#duty-country', 'FR');
  await cp.fill('#duty-region', 'Île-de-France (fictional)');
  await cp.fill('#duty-from', '2026-01-01T00:00');
  await Promise.all([cp.waitForURL(/\/duty$/), cp.click('#duty-form button[type=submit]')]);
  const rostered = cp.locator('tr.duty-period', { hasText: 'Île-de-France (fictional)' });
  if ((await rostered.count()) !== 1) fail('the new duty period is listed once');
  await axe(cp, 'duty roster (period added)');
  await Promise.all([cp.waitForURL(/\/duty$/), rostered.locator('button[type=submit]').click()]);
  if (await cp.locator('tr.duty-period', { hasText: 'Île-de-France (fictional)' }).locator('button').count()) fail('the ended period cannot be ended again');

  // webmore: statistics. The statistician sees the suppressed report with its SVG charts, the
  // ledger of noisy releases and the budget left, and publishes a discrete Gaussian release.
  const stat = await newPage();
  await login(stat, 'ngo.statistician');
  await stat.goto(`${url}/stats`);
  if (!(await stat.locator('figure.chart svg').count())) fail('the report has SVG charts');
  await axe(stat, 'statistics report');
  await stat.goto(`${url}/stats/releases`);
  await axe(stat, 'statistics releases');
  const before = await stat.locator('tr.stats-release').count();
  await stat.selectOption('#stats-mechanism', 'gaussian');
  await stat.fill('#stats-epsilon', '0.5');
  await Promise.all([stat.waitForURL(/\/stats\/releases$/), stat.click('#stats-release-form button[type=submit]')]);
  if (!(await stat.locator('#stats-release-id').textContent()).startsWith('rel')) fail('the release has its ledger id');
  await axe(stat, 'statistics release published');
  await stat.goto(`${url}/stats/releases`);
  if ((await stat.locator('tr.stats-release').count()) !== before + 1) fail('the ledger lists the new release');
  // Aggregates only: a case page is refused to the statistician.
  expectedErrors.push(/403/);
  const refused = await stat.goto(`${url}/cases`);
  if (refused.status() !== 403) fail(`a statistician reached /cases (${refused.status()})`);
  // Investigation: the scans and a report, a record with its findings highlighted, the hash-list
  // matches, and a collected image shown only after the audited request (a plain form).
  await analyst.goto(`${url}/scans`);
  await axe(analyst, 'scans');
  await Promise.all([analyst.waitForURL(/\/scans\/\d+$/), analyst.locator('tr.scan-run a').first().click()]);
  await axe(analyst, 'scan report');
  await Promise.all([analyst.waitForURL(/\/records\/demo-rec-1$/), analyst.locator('#scan-selectors a', { hasText: 'demo-rec-1' }).first().click()]);
  if (!(await analyst.locator('#record-text mark.k-phone').count())) fail('the record page highlights the phone');
  await axe(analyst, 'record');
  await analyst.goto(`${url}/media`);
  if (!(await analyst.locator('#media-matches tr.media-match').count())) fail('the demo hash-list matches are listed');
  if (await analyst.locator('#media-collected img.unblurred').count()) fail('collected images start blurred');
  await axe(analyst, 'hash-list matches');
  const collected = analyst.locator('#media-collected li').first();
  const imageItem = await collected.getAttribute('id');
  await collected.locator('input[name=reason]').fill('Fictional demo check');
  await Promise.all([analyst.waitForURL(/\/media(#.*)?$/), collected.locator('button[type=submit]').click()]);
  const shown = analyst.locator(`#${imageItem} img.unblurred`);
  await shown.waitFor();
  if (!(await shown.evaluate((img) => img.complete && img.naturalWidth > 0))) fail('the unblurred image loads');
  await axe(analyst, 'collected image shown');

  // The JSON API's description in the vendored Swagger UI, under the same CSP: a blocked inline
  // script or style would show as a console error.
  const docs = await newPage();
  await docs.goto(`${url}/api/docs`);
  await docs.waitForSelector('.swagger-ui .info .title');
  if (!(await docs.locator('.swagger-ui .info .title').textContent()).includes('Cairn JSON API')) fail('API docs title');
  await docs.waitForSelector('.opblock-summary-path[data-path="/api/cases/{case}/referrals"]');
} finally {
  await browser.close();
  child.kill('SIGTERM');
}

for (const re of expectedErrors) problems.push(`expected console error not seen: ${re}`);
if (problems.length) {
  for (const p of problems) console.error(p);
  fail(`${problems.length} problem(s)`);
}
console.log(`browser test passed: sign-in with TOTP, referral accepted, consent withdrawn and share refused, API docs shown; axe clean on ${axeChecked} page views`);
console.log(`browser test passed: a signal raised from a cluster and accepted at child protection, a duty period added and ended, the statistics report and a noisy release, sign-in with TOTP, screening scored and confirmed, a service planned, the statement and its access requests, referral accepted, consent withdrawn and share refused; axe clean on ${axeChecked} page views`);
