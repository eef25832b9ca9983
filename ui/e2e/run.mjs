// Browser end-to-end tests for Alianza, run by scripts/e2e against the real
// binary with the demo data loaded. Plain Node + playwright-core driving
// Debian's Chromium (never a downloaded browser). The steps share one browser
// and build on each other (the commitment logged in a meeting is the one moved
// on the board), so a tiny sequential runner is used instead of a framework.
//
// Environment: BASE_URL (required), SHOTS_DIR (screenshots + perf.json),
// CHROMIUM (default /usr/bin/chromium), ADMIN_EMAIL / ADMIN_PASSWORD,
// VIEWER_EMAIL / VIEWER_PASSWORD (default: the demo viewer), HEADED=1 to watch.
// The last line printed is "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { initialAssets, measure } from './perf.mjs';

const BASE = (process.env.BASE_URL ?? '').replace(/\/$/, '');
if (!BASE) {
  console.error('BASE_URL is not set (scripts/e2e starts the server and sets it)');
  process.exit(2);
}
const SHOTS = resolve(process.env.SHOTS_DIR ?? 'e2e-screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ADMIN = { email: process.env.ADMIN_EMAIL ?? 'admin@alianza.test', password: process.env.ADMIN_PASSWORD ?? 'alianza-demo-2026' };
const VIEWER = { email: process.env.VIEWER_EMAIL ?? 'viewer@alianza.test', password: process.env.VIEWER_PASSWORD ?? 'alianza-demo-2026' };
const DESKTOP = { width: 1280, height: 800 };
const MOBILE = { width: 390, height: 844 };
const NARROW = { width: 360, height: 740 }; // the smallest width the product must work at
// Slow 3G: 400 ms round trip, 400 kbit/s down and up (bytes per second for CDP).
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000, connectionType: 'cellular3g' };
const TARGET_GZIP_BYTES = 80 * 1024;
const TARGET_SIGN_IN_MS = 3000;
const STEP_TIMEOUT = 15_000;
// Two demo stakeholders in Cusco (08), found through the typeahead; the second is
// typed without its accent, since search must ignore accents.
const PARTICIPANTS = [
  { type: 'rosa quis', option: /Rosa Quispe/ },
  { type: 'fiscalia especializada', option: /Fiscalía Demo Especializada de Cusco/ },
];

mkdirSync(join(SHOTS, 'full'), { recursive: true });
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
const S = { commitmentText: `E2E ${stamp}: presentar el proyecto de ley de refugios temporales`, taskTitle: `E2E ${stamp}: enviar el acta a los participantes` };
const perf = { base_url: BASE, when: new Date().toISOString(), targets: { initial_gzip_bytes: TARGET_GZIP_BYTES, sign_in_ms_slow3g: TARGET_SIGN_IN_MS } };
const pageErrors = [];
const badResponses = []; // every 4xx/5xx answer the pages got

// ---- runner -----------------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** ExpectedFailure marks a step that is known not to work yet (printed loudly, not counted as passed). */
class ExpectedFailure extends Error {}

// ---- helpers ----------------------------------------------------------------

let browser;
const contexts = [];

async function newPage(viewport = DESKTOP, label = 'page') {
  const ctx = await browser.newContext({ viewport, locale: 'es-PE', timezoneId: 'America/Lima', serviceWorkers: 'block' });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(BASE)) badResponses.push({ who: label, method: r.request().method(), path: r.url().slice(BASE.length), status: r.status() });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(`${label} console: ${m.text()}`);
  });
  return page;
}

const tid = (page, id) => page.getByTestId(id);

/** shot saves what the screen shows (exactly the viewport) and, under full/, the whole page. */
async function shot(page, name) {
  const vp = page.viewportSize();
  const kind = vp && vp.width < 700 ? 'mobile' : 'desktop';
  const file = join(SHOTS, `${kind}-${name}.png`);
  await page.screenshot({ path: file });
  await page.screenshot({ path: join(SHOTS, 'full', `${kind}-${name}.png`), fullPage: true });
  return file;
}

/** settled waits until no loading state is shown in the page. */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: STEP_TIMEOUT });
}

/** noErrorBox fails when the page shows an error state (a failed API call). */
async function noErrorBox(page, what) {
  const boxes = page.locator('[data-testid="error"]');
  const n = await boxes.count();
  if (n > 0) {
    const text = (await boxes.allInnerTexts()).join(' | ');
    throw new Error(`${what} shows an error: ${text}`);
  }
}

async function signIn(page, who) {
  await page.goto(`${BASE}/`);
  await tid(page, 'login-form').waitFor();
  await page.getByLabel('Correo electrónico').fill(who.email);
  await page.getByLabel('Contraseña').fill(who.password);
  await tid(page, 'sign-in').click();
  await tid(page, 'current-user').waitFor();
}

function isoDate(daysFromNow) {
  const d = new Date(Date.now() + daysFromNow * 86400_000);
  return d.toISOString().slice(0, 10);
}

/** api calls the server directly (Node fetch) with the admin's token, for checks around the browser flows. */
let adminToken = '';
async function api(path, init = {}) {
  if (!adminToken) {
    const r = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    if (r.status !== 200) throw new Error(`POST /api/v1/auth/login as ${ADMIN.email} -> ${r.status} ${await r.text()}`);
    adminToken = (await r.json()).access_token;
  }
  return fetch(`${BASE}${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) } });
}

function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---- measurements ---------------------------------------------------------------

test('initial download is compressed and under 80 KB gzipped', async () => {
  const a = await initialAssets(BASE);
  perf.initial = a;
  for (const f of a.files) {
    console.log(`    ${f.path.padEnd(36)} ${String(f.raw_bytes).padStart(7)} B raw, ${String(f.gzip_bytes).padStart(6)} B gzip -9, served ${f.served_bytes} B (${f.content_encoding || 'not compressed'})`);
  }
  console.log(`    initial JS+CSS: ${a.raw_total} B raw, ${a.gzip_total} B gzipped (${(a.gzip_total / 1024).toFixed(1)} KB), ${a.served_total} B on the wire; index.html ${a.index.served_bytes} B served (${a.index.content_encoding || 'not compressed'})`);
  console.log(`    server compression: ${a.all_compressed ? 'yes, every initial file was sent gzip-encoded' : 'NO, some files were sent uncompressed'}`);
  // API answers are compressed too (a JSON list as the app loads it).
  await api('/api/v1/me');
  const j = (await measure(BASE, '/api/v1/stakeholders?limit=50', { authorization: `Bearer ${adminToken}` })).file;
  a.api_sample = j;
  console.log(`    API JSON (GET /api/v1/stakeholders?limit=50): ${j.raw_bytes} B, served ${j.served_bytes} B (${j.content_encoding || 'not compressed'})`);
  expect(j.content_encoding === 'gzip', 'the API answer was not gzip-encoded');
  expect(a.files.length > 0, 'index.html references no script or stylesheet');
  expect(a.all_compressed, `the server did not gzip: ${a.files.concat([a.index]).filter((f) => !f.content_encoding).map((f) => f.path).join(', ')}`);
  expect(a.gzip_total < TARGET_GZIP_BYTES, `initial JS+CSS is ${a.gzip_total} B gzipped, target under ${TARGET_GZIP_BYTES} B`);
});

test('slow 3G: sign-in screen usable under 3 s, then home', async () => {
  const page = await newPage(MOBILE, 'slow3g');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests++;
  });
  const mark = () => {
    const r = { bytes, requests };
    bytes = 0;
    requests = 0;
    return r;
  };
  page.setDefaultTimeout(60_000);

  // Three cold loads of the sign-in screen (no cache); the median counts, so one
  // hiccup of a busy machine does not decide the result.
  const loads = [];
  let signInNet;
  let paint;
  for (let i = 0; i < 3; i++) {
    if (i > 0) await page.goto('about:blank');
    mark();
    const t0 = Date.now();
    await page.goto(`${BASE}/`, { waitUntil: 'commit', timeout: 60_000 });
    loads.push(await signInUsable(page, t0));
    signInNet = mark();
    paint = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)])));
  }
  const signInMs = [...loads].sort((a, b) => a - b)[1];

  await page.getByLabel('Correo electrónico').fill(ADMIN.email);
  await page.getByLabel('Contraseña').fill(ADMIN.password);
  const t1 = Date.now();
  await tid(page, 'sign-in').click();
  await tid(page, 'my-tasks').waitFor();
  await settled(page);
  const homeAfterSignInMs = Date.now() - t1;
  const homeNet = mark();

  const t2 = Date.now();
  await page.reload({ waitUntil: 'commit' });
  await tid(page, 'my-tasks').waitFor();
  await settled(page);
  const homeReloadMs = Date.now() - t2;
  const reloadNet = mark();
  await shot(page, 'slow3g-home');

  perf.slow3g = {
    conditions: { latency_ms: SLOW_3G.latency, download_bytes_per_s: SLOW_3G.downloadThroughput, upload_bytes_per_s: SLOW_3G.uploadThroughput, cache_disabled: true, viewport: MOBILE },
    sign_in_screen_ms: signInMs,
    sign_in_screen_runs_ms: loads,
    sign_in_screen_bytes: signInNet.bytes,
    sign_in_screen_requests: signInNet.requests,
    first_contentful_paint_ms: paint['first-contentful-paint'] ?? null,
    home_after_sign_in_click_ms: homeAfterSignInMs,
    home_after_sign_in_bytes: homeNet.bytes,
    home_after_sign_in_requests: homeNet.requests,
    home_on_reload_signed_in_ms: homeReloadMs,
    home_on_reload_bytes: reloadNet.bytes,
    home_on_reload_requests: reloadNet.requests,
  };
  console.log(`    slow 3G (400 ms RTT, 400 kbit/s, no cache): sign-in screen usable in ${signInMs} ms (median of ${loads.join(', ')} ms; ${signInNet.requests} requests, ${signInNet.bytes} B; first contentful paint ${paint['first-contentful-paint'] ?? '?'} ms)`);
  console.log(`    sign-in click -> home ready in ${homeAfterSignInMs} ms (${homeNet.requests} requests, ${homeNet.bytes} B); reload signed in -> home ready in ${homeReloadMs} ms (${reloadNet.requests} requests, ${reloadNet.bytes} B)`);
  await page.context().close();
  expect(signInMs < TARGET_SIGN_IN_MS, `sign-in screen took ${signInMs} ms on slow 3G, target under ${TARGET_SIGN_IN_MS} ms`);
});

/** signInUsable waits until the sign-in form can be used and returns the ms since t0. */
async function signInUsable(page, t0) {
  await tid(page, 'login-form').waitFor();
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid="sign-in"]');
    return b && !b.disabled && document.querySelector('[data-testid="login-form"] input');
  });
  return Date.now() - t0;
}

// ---- the admin's flows ----------------------------------------------------------

let page; // the admin's desktop page, shared by the flow steps

test('sign in as the demo admin', async () => {
  page = await newPage(DESKTOP, 'admin');
  await page.goto(`${BASE}/`);
  await tid(page, 'login-form').waitFor();
  // English and back (the choice is kept in this browser).
  await tid(page, 'lang-switch').click();
  await page.getByLabel('Password').waitFor();
  await tid(page, 'lang-switch').click();
  await page.getByLabel('Contraseña').waitFor();
  // A wrong password is refused in plain words and keeps the form.
  await page.getByLabel('Correo electrónico').fill(ADMIN.email);
  await page.getByLabel('Contraseña').fill('not-the-password-123');
  await tid(page, 'sign-in').click();
  await page.getByRole('alert').first().waitFor();
  const refused = await page.getByRole('alert').first().innerText();
  expect(/contraseña no son correctos/.test(refused), `a wrong password says "${refused}", want that the email or password is wrong`);
  await page.getByLabel('Contraseña').fill(ADMIN.password);
  await tid(page, 'sign-in').click();
  await tid(page, 'current-user').waitFor();
  const role = await tid(page, 'current-user').getAttribute('data-role');
  expect(role === 'admin', `current-user data-role is ${role}, want admin`);
  await tid(page, 'my-tasks').waitFor();
  await settled(page);
  await noErrorBox(page, 'home');
  for (const id of ['nav-home', 'nav-stakeholders', 'nav-log-meeting', 'nav-commitments', 'nav-correspondence', 'nav-reports', 'nav-admin']) {
    await tid(page, id).waitFor();
  }
  // The session survives a reload (refresh cookie).
  await page.reload();
  await tid(page, 'current-user').waitFor();
});

test('log a meeting in Cusco with two participants, a commitment and a task', async () => {
  await tid(page, 'nav-log-meeting').click();
  await tid(page, 'meeting-form').waitFor();
  await settled(page);
  await page.getByLabel('Región', { exact: true }).selectOption('08');
  const search = page.getByRole('combobox', { name: 'Buscar participante' });
  for (const [i, p] of PARTICIPANTS.entries()) {
    await search.fill(p.type);
    const opt = page.getByRole('option', { name: p.option });
    await opt.first().waitFor();
    if (i === 0) await opt.first().click();
    else {
      // The second one by keyboard only: arrows to the option, Enter picks it.
      const active = page.locator('[role="option"][aria-selected="true"]').filter({ hasText: p.option });
      for (let k = 0; k < 12 && !(await active.count()); k++) await search.press('ArrowDown');
      expect(await active.count(), `the arrow keys never reached the option ${p.option}`);
      await search.press('Enter');
    }
    await tid(page, 'participant').nth(i).waitFor();
  }
  expect((await tid(page, 'participant').count()) === 2, 'want two participants');
  await page.getByRole('checkbox', { name: 'Presupuesto' }).check();
  await page.getByRole('checkbox', { name: 'Legislación' }).check();
  await page.getByLabel('Resumen').fill(`Reunión E2E ${stamp} sobre el presupuesto regional para la atención a víctimas.`);

  await tid(page, 'add-commitment').click();
  // An incomplete commitment is caught before anything is sent, next to its field.
  await tid(page, 'save-meeting').click();
  await tid(page, 'error-summary').waitFor();
  await tid(page, 'error-commitments-0-text').waitFor();
  // The draft survives a reload (kept in this browser).
  await page.waitForTimeout(600);
  await page.reload();
  await tid(page, 'meeting-form').waitFor();
  await tid(page, 'participant').nth(1).waitFor();
  await tid(page, 'commitment-0').waitFor();
  const who = page.locator('#commitments-0-stakeholder_id');
  const rosa = await who.locator('option', { hasText: 'Rosa Quispe' }).getAttribute('value');
  expect(rosa, 'the commitment stakeholder list does not offer Rosa Quispe');
  await who.selectOption(rosa);
  S.stakeholderId = rosa;
  await page.locator('#commitments-0-type').selectOption('legislative');
  await page.locator('#commitments-0-due_on').fill(isoDate(45));
  await page.locator('#commitments-0-text').fill(S.commitmentText);

  await tid(page, 'add-task').click();
  await page.locator('#tasks-0-title').fill(S.taskTitle);
  await page.locator('#tasks-0-due_on').fill(isoDate(7));
  await shot(page, '05-meeting-form-filled');

  await tid(page, 'save-meeting').click();
  const detail = tid(page, 'meeting-detail');
  await Promise.race([
    detail.waitFor(),
    tid(page, 'error-summary').waitFor().then(async () => {
      throw new Error(`the meeting was refused: ${await tid(page, 'error-summary').innerText()}`);
    }),
    page.locator('[data-testid="error"]').first().waitFor().then(async () => {
      throw new Error(`saving the meeting failed: ${await page.locator('[data-testid="error"]').first().innerText()}`);
    }),
  ]);
  S.meetingId = new URL(page.url()).pathname.split('/').pop();
  await settled(page);
  const text = await detail.innerText();
  for (const want of ['Rosa Quispe', 'Fiscalía Demo Especializada', S.commitmentText, S.taskTitle]) {
    expect(text.includes(want), `the saved meeting does not show "${want}"`);
  }
  const draft = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('alianza.draft.meeting')));
  expect(draft.length === 0, `the meeting draft was kept after saving: ${draft.join(', ')}`);
  await shot(page, '05b-meeting-detail');
});

test('find the commitment on the Cusco board', async () => {
  expect(S.meetingId, 'needs the meeting from the previous step');
  await page.goto(`${BASE}/commitments?region=08&view=board`);
  await tid(page, 'board-region-08').waitFor();
  await settled(page);
  await noErrorBox(page, 'the board');
  const card = tid(page, 'board-cell-08-pending').getByTestId('commitment-card').filter({ hasText: S.commitmentText });
  await card.waitFor();
  S.commitmentId = await card.getAttribute('data-id');
  expect(/^[0-9a-f]{24}$/.test(S.commitmentId ?? ''), `card data-id is ${S.commitmentId}`);
  await card.getByRole('link').first().click();
  await page.locator(`[data-testid="commitment-detail"][data-id="${S.commitmentId}"]`).waitFor();
});

test('change the commitment status with a note', async () => {
  expect(S.commitmentId, 'needs the commitment from the board');
  const note = `E2E ${stamp}: se presentó en la comisión de presupuesto`;
  S.statusNote = note;
  await page.getByLabel('Nuevo estado').selectOption('in_progress');
  await page.getByLabel('Nota').fill(note);
  await page.getByLabel('Evidencia').fill('https://example.org/oficio-123');
  await tid(page, 'save-status').click();
  await page.locator(`[data-testid="commitment-detail"][data-status="in_progress"]`).waitFor();
  await tid(page, 'notice').waitFor();
  const entry = page.locator('[data-testid="history-entry"][data-status="in_progress"]').filter({ hasText: note });
  await entry.waitFor();
  // The change is stored: a reload shows it.
  await page.reload();
  await page.locator(`[data-testid="commitment-detail"][data-status="in_progress"]`).waitFor();
  await entry.waitFor();
  // ...and the card moved on the board.
  await page.goto(`${BASE}/commitments?region=08&view=board`);
  await tid(page, 'board-cell-08-in_progress').locator(`[data-testid="commitment-card"][data-id="${S.commitmentId}"]`).waitFor();
});

test("see the change on the stakeholder's timeline", async () => {
  expect(S.commitmentId && S.stakeholderId, 'needs the commitment and its stakeholder');
  await page.goto(`${BASE}/commitments/${S.commitmentId}`);
  await tid(page, 'commitment-detail').waitFor();
  await page.getByRole('link', { name: /Rosa Quispe/ }).first().click();
  await page.waitForURL(`**/stakeholders/${S.stakeholderId}`);
  await tid(page, 'timeline').waitFor();
  await settled(page);
  await noErrorBox(page, 'the stakeholder page');
  const change = page.locator(`[data-testid="timeline-item"][data-type="status_change"][data-id="${S.commitmentId}"]`);
  await change.first().waitFor();
  for (const [type, id] of [['meeting', S.meetingId], ['commitment', S.commitmentId]]) {
    const n = await page.locator(`[data-testid="timeline-item"][data-type="${type}"][data-id="${id}"]`).count();
    expect(n > 0, `the timeline has no ${type} item for ${id}`);
  }
});

test('search everything, accents ignored', async () => {
  await tid(page, 'global-search').fill('fiscalia cusco');
  await tid(page, 'global-search').press('Enter');
  const res = tid(page, 'search-results');
  await res.waitFor();
  await settled(page);
  await res.getByRole('link', { name: /Fiscalía Demo Especializada de Cusco/ }).first().waitFor();
});

test('review a message in the correspondence', async () => {
  const r = await api('/api/v1/messages?limit=5');
  S.mailApi = r.status;
  await page.goto(`${BASE}/correspondence?queue=new`);
  await tid(page, 'queue-new').waitFor();
  if (r.status === 404) {
    throw new ExpectedFailure(`GET /api/v1/messages -> 404 ${(await r.text()).slice(0, 200)}: the mail API is not built yet`);
  }
  expect(r.status === 200, `GET /api/v1/messages -> ${r.status} ${(await r.text()).slice(0, 300)}`);
  await settled(page);
  await noErrorBox(page, 'the correspondence page');
  const rows = tid(page, 'message-row');
  await rows.first().waitFor({ timeout: STEP_TIMEOUT }).catch(() => {
    throw new Error('no message in the "new" queue: the demo data (or the seeded mailbox) should hold messages to review');
  });
  // Prefer the seeded email from Rosa Quispe (a known stakeholder), else the first one.
  const fromRosa = rows.filter({ hasText: 'Proyecto de ley de refugios' });
  const row = (await fromRosa.count()) ? fromRosa.first() : rows.first();
  const seeded = (await fromRosa.count()) > 0;
  const id = await row.getAttribute('data-id');
  S.messageId = id;
  await row.getByRole('link').first().click();
  await page.locator(`[data-testid="reader"][data-id="${id}"]`).waitFor();
  await tid(page, 'message-body').waitFor();
  await page.getByLabel('Estado de revisión').selectOption('follow_up');
  await tid(page, 'notice').waitFor();
  const after = await (await api(`/api/v1/messages/${id}`)).json();
  expect(after.status === 'follow_up', `message ${id} status is ${after.status} after the review, want follow_up`);
  await page.goto(`${BASE}/correspondence?queue=follow_up`);
  await page.locator(`[data-testid="message-row"][data-id="${id}"]`).waitFor();
  if (seeded && S.stakeholderId) {
    // The sender's address belongs to a stakeholder: the message is matched and on her timeline.
    expect((after.stakeholder_ids ?? []).includes(S.stakeholderId), `the email from rosa.quispe@ejemplo.pe is matched to ${JSON.stringify(after.stakeholder_ids)}, want Rosa Quispe ${S.stakeholderId}`);
    await page.goto(`${BASE}/stakeholders/${S.stakeholderId}`);
    await page.locator(`[data-testid="timeline-item"][data-type="message"][data-id="${id}"]`).waitFor();
  }
});

test('admin: add an officer for Loreto, who can then sign in', async () => {
  await page.goto(`${BASE}/admin/users`);
  await tid(page, 'admin-users').waitFor();
  await settled(page);
  await tid(page, 'new-user').click();
  const form = tid(page, 'user-form');
  await form.waitFor();
  S.newUser = { email: `oficial.e2e.${stamp}@alianza.test`, password: `clave-e2e-${stamp}` };
  await form.getByLabel('Correo electrónico').fill(S.newUser.email);
  await form.getByLabel('Nombre').fill(`Oficial E2E ${stamp}`);
  await form.getByLabel('Rol').selectOption('officer');
  await form.getByLabel('Contraseña').fill(S.newUser.password);
  await form.getByRole('checkbox', { name: 'Loreto' }).check();
  await tid(page, 'save-user').click();
  await page.locator(`[data-testid="user-row"][data-email="${S.newUser.email}"]`).waitFor();
  const who = await newPage(DESKTOP, 'new officer');
  await signIn(who, S.newUser);
  const role = await tid(who, 'current-user').getAttribute('data-role');
  expect(role === 'officer', `the new user signed in as ${role}, want officer`);
  await tid(who, 'nav-log-meeting').waitFor();
  await tid(who, 'my-tasks').waitFor();
  await settled(who);
  await noErrorBox(who, "the officer's home");
  expect((await tid(who, 'nav-admin').count()) === 0, 'an officer sees the admin menu');
  await who.context().close();
});

// ---- everyday corrections (issue 10) --------------------------------------------

/** meetingsWithSummary lists (through the API) the meetings since yesterday with this summary. */
async function meetingsWithSummary(summary) {
  const r = await api(`/api/v1/meetings?from=${isoDate(-1)}&limit=200`);
  expect(r.status === 200, `GET /api/v1/meetings -> ${r.status}`);
  return (await r.json()).items.filter((m) => m.summary === summary);
}

test('a save whose answer is lost, sent again, makes exactly one meeting', async () => {
  if (S.meetingId) S.taskId = (await (await api(`/api/v1/tasks?meeting_id=${S.meetingId}`)).json()).items?.[0]?.id;
  await page.goto(`${BASE}/meetings/new`);
  await tid(page, 'meeting-form').waitFor();
  await settled(page);
  await page.getByLabel('Región', { exact: true }).selectOption('08');
  const search = page.getByRole('combobox', { name: 'Buscar participante' });
  await search.fill('rosa quis');
  await page.getByRole('option', { name: /Rosa Quispe/ }).first().click();
  await tid(page, 'participant').first().waitFor();
  S.retrySummary = `Reunión E2E ${stamp}: respuesta perdida y reintento`;
  await page.getByLabel('Resumen').fill(S.retrySummary);
  // Enter in "Lugar" does not send the half-written form.
  await page.getByLabel('Lugar', { exact: true }).fill('Sede regional');
  await page.getByLabel('Lugar', { exact: true }).press('Enter');
  await page.waitForTimeout(500);
  expect((await tid(page, 'meeting-form').count()) === 1 && (await meetingsWithSummary(S.retrySummary)).length === 0, 'Enter in "Lugar" sent the meeting form');
  await tid(page, 'add-commitment').click();
  S.retryCommitment = `E2E ${stamp}: compromiso del reintento`;
  await page.locator('#commitments-0-text').fill(S.retryCommitment);

  // The first answer is lost on the way back: the server gets the request and
  // answers, the page sees a dropped connection.
  const keys = [];
  let first = 0;
  await page.route('**/api/v1/meetings', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    keys.push(req.headers()['idempotency-key'] ?? '');
    if (keys.length === 1) {
      first = (await route.fetch()).status();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await tid(page, 'save-meeting').click();
  // The app takes the lost answer for a dropped signal: the meeting waits in
  // the outbox and is sent again by itself, under the same Idempotency-Key.
  await page.waitForURL((u) => u.pathname === '/');
  const deadline = Date.now() + 15000;
  while (keys.length < 2 && Date.now() < deadline) await page.waitForTimeout(200);
  await tid(page, 'outbox-item').first().waitFor({ state: 'detached', timeout: 15000 }).catch(() => {});
  await shot(page, '16-save-answer-lost');
  await page.unroute('**/api/v1/meetings');
  expect(first === 201, `the first save reached the server and got ${first}, want 201`);
  expect(keys.length === 2 && keys[0] && keys[0] === keys[1], `the two sends carried Idempotency-Key ${JSON.stringify(keys)}, want one key twice`);
  expect((await tid(page, 'outbox-item').count()) === 0, 'the meeting is still waiting in the outbox');
  const ms = await meetingsWithSummary(S.retrySummary);
  expect(ms.length === 1, `${ms.length} meetings after the retry, want exactly 1`);
  S.retryMeetingId = ms[0].id;
  const cs = (await (await api(`/api/v1/commitments?region=08&q=${encodeURIComponent('reintento')}&limit=200`)).json()).items.filter((c) => c.text === S.retryCommitment);
  expect(cs.length === 1, `${cs.length} commitments after the retry, want exactly 1`);
});

test('edit and delete a meeting and a commitment', async () => {
  expect(S.retryMeetingId, 'needs the meeting from the previous step');
  await page.goto(`${BASE}/meetings/${S.retryMeetingId}`);
  await tid(page, 'meeting-detail').waitFor();
  await settled(page);
  await tid(page, 'edit-meeting').click();
  await tid(page, 'meeting-edit-form').waitFor();
  await settled(page);
  await page.getByLabel('Lugar', { exact: true }).fill('Sala E2E editada');
  await tid(page, 'save-meeting-edit').click();
  await tid(page, 'meeting-detail').waitFor();
  await tid(page, 'meeting-detail').getByText('Sala E2E editada').waitFor();
  const m = await (await api(`/api/v1/meetings/${S.retryMeetingId}`)).json();
  expect(m.place === 'Sala E2E editada' && m.version === 2, `the meeting has place ${m.place}, version ${m.version} after the edit`);

  await settled(page);
  await tid(page, 'meeting-commitment').first().getByRole('link').first().click();
  await tid(page, 'commitment-detail').waitFor();
  const cid = await tid(page, 'commitment-detail').getAttribute('data-id');
  await tid(page, 'edit-commitment').click();
  const form = tid(page, 'commitment-edit-form');
  await form.waitFor();
  const text = `${S.retryCommitment} (corregido)`;
  await form.getByLabel('Compromiso').fill(text);
  await form.getByLabel('Próximo seguimiento').fill(isoDate(10));
  await shot(page, '17-commitment-edit');
  await tid(page, 'save-commitment-edit').click();
  await tid(page, 'commitment-text').filter({ hasText: '(corregido)' }).waitFor();
  const c = await (await api(`/api/v1/commitments/${cid}`)).json();
  expect(c.text === text && c.next_follow_up_on === isoDate(10), `the commitment is ${JSON.stringify({ text: c.text, next: c.next_follow_up_on })} after the edit`);

  await tid(page, 'edit-commitment').click();
  await tid(page, 'delete-commitment').click();
  await tid(page, 'delete-commitment-confirm').click();
  await page.waitForURL(`**/meetings/${S.retryMeetingId}`);
  await tid(page, 'meeting-detail').waitFor();
  await settled(page);
  expect((await api(`/api/v1/commitments/${cid}`)).status === 404, 'the deleted commitment is still there');

  await tid(page, 'delete-meeting').click();
  await tid(page, 'delete-meeting-panel').waitFor();
  await shot(page, '18-meeting-delete');
  await tid(page, 'delete-meeting-confirm').click();
  await page.waitForURL((u) => u.pathname === '/meetings' && u.searchParams.get('deleted') === '1');
  await tid(page, 'notice').waitFor();
  expect((await api(`/api/v1/meetings/${S.retryMeetingId}`)).status === 404, 'the deleted meeting is still there');
  expect((await meetingsWithSummary(S.retrySummary)).length === 0, 'the deleted meeting is still listed');
});

test('admin: create a person from an unknown address (region asked)', async () => {
  await page.goto(`${BASE}/correspondence?queue=new`);
  await tid(page, 'queue-new').waitFor();
  await settled(page);
  await tid(page, 'queue-new').locator('.mail-count').waitFor().catch(() => {});
  const tab = await tid(page, 'queue-new').innerText();
  expect(/\(\d+\)/.test(tab), `the "new" tab shows no count: ${tab}`);
  await page.goto(`${BASE}/correspondence?queue=addresses`);
  await tid(page, 'unmatched-addresses').waitFor();
  await settled(page);
  const rows = tid(page, 'address-row');
  await rows.first().waitFor();
  const press = rows.filter({ hasText: 'prensa@diario-demo.pe' });
  const row = (await press.count()) ? press.first() : rows.first();
  const address = await row.getAttribute('data-address');
  await row.getByTestId('create-from-address').click();
  const form = row.locator('form');
  await form.waitFor();
  const name = `Prensa E2E ${stamp}`;
  await form.getByLabel('Nombre').fill(name);
  await form.getByLabel('Región').selectOption('08');
  await shot(page, '19-create-person-from-address');
  await form.getByRole('button', { name: 'Crear persona nueva' }).click();
  await tid(page, 'notice').waitFor();
  expect((await page.locator(`[data-testid="address-row"][data-address="${address}"]`).count()) === 0, `${address} is still listed as unmatched`);
  const found = (await (await api(`/api/v1/stakeholders?region=08&q=${encodeURIComponent(name)}`)).json()).items;
  expect(found.length === 1 && found[0].emails.includes(address) && found[0].regions.includes('08'), `the new person is ${JSON.stringify(found)}`);
});

test('discarding a draft offers to remove the person it created', async () => {
  await page.goto(`${BASE}/meetings/new`);
  await tid(page, 'meeting-form').waitFor();
  await settled(page);
  await page.getByLabel('Región', { exact: true }).selectOption('08');
  const name = `Persona del borrador E2E ${stamp}`;
  await page.getByRole('combobox', { name: 'Buscar participante' }).fill(name);
  await tid(page, 'participant-search-create').click();
  await tid(page, 'participant').first().waitFor();
  const r = await api(`/api/v1/stakeholders?region=08&q=${encodeURIComponent(name)}`);
  const made = (await r.json()).items ?? [];
  expect(made.length === 1 && !made[0].archived, `the picker made ${JSON.stringify(made)}`);
  const dialogs = [];
  const accept = (d) => {
    dialogs.push(d.message());
    void d.accept();
  };
  page.on('dialog', accept);
  await tid(page, 'discard-draft').click();
  await tid(page, 'participant').first().waitFor({ state: 'detached' });
  page.off('dialog', accept);
  expect(dialogs.length === 2 && dialogs[1].includes(name), `the discard asked ${JSON.stringify(dialogs)}, want a second question naming ${name}`);
  // A person without records is deleted; one that gained records is archived.
  const res = await api(`/api/v1/stakeholders/${made[0].id}`);
  const st = res.status === 200 ? await res.json() : {};
  expect(res.status === 404 || st.archived === true, `the person made in the discarded draft answers ${res.status} ${JSON.stringify({ archived: st.archived })}, want gone or archived`);
});

test('phone-size board shows every status without sideways scrolling; nothing cut on desktop', async () => {
  for (const vp of [NARROW, DESKTOP]) {
    await page.setViewportSize(vp);
    await page.goto(`${BASE}/commitments?region=08&view=board`);
    await tid(page, 'board-region-08').waitFor();
    await settled(page);
    const r = await page.evaluate(() => {
      const doc = document.documentElement;
      const cells = [...document.querySelectorAll('[data-testid^="board-cell-08-"]')].map((c) => {
        const b = c.getBoundingClientRect();
        return { id: c.getAttribute('data-testid'), left: b.left, right: b.right };
      });
      return { overflow: doc.scrollWidth - doc.clientWidth, width: doc.clientWidth, cells };
    });
    const size = `${vp.width}x${vp.height}`;
    expect(r.cells.length === 6, `${r.cells.length} status columns at ${size}, want 6`);
    expect(r.overflow <= 1, `the board page is ${r.overflow}px wider than the screen at ${size}`);
    for (const c of r.cells) expect(c.left >= 0 && c.right <= r.width + 0.5, `${c.id} is cut at ${size}: ${c.left}..${c.right} of ${r.width}`);
    await shot(page, `20-board-${vp.width}`);
    // The table keeps "Estado" on screen.
    await page.goto(`${BASE}/commitments?region=08`);
    await tid(page, 'commitment-table').waitFor();
    await settled(page);
    const th = await page.getByRole('columnheader', { name: 'Estado' }).boundingBox();
    expect(th && th.x >= 0 && th.x + th.width <= vp.width + 0.5, `the "Estado" column is not on screen at ${size}: ${JSON.stringify(th)}`);
  }
  await page.setViewportSize(DESKTOP);
});

// ---- in the field and on time (issue 12) ------------------------------------------

test('log a training of 85 public defenders and 70 judges, with no participant records', async () => {
  await page.goto(`${BASE}/meetings/new`);
  await tid(page, 'meeting-form').waitFor();
  await settled(page);
  await page.getByLabel('Región', { exact: true }).selectOption('08');
  await page.locator('#meeting_kind').selectOption('training');
  await tid(page, 'training-fields').waitFor();
  await page.locator('#training-modality').selectOption('virtual');
  await page.getByLabel('Defensores públicos').fill('85');
  await page.getByLabel('Jueces').fill('70');
  await page.locator('#training-topics').fill('Enfoque centrado en la víctima\nAtención informada en trauma\nEstereotipos de género');
  await page.getByLabel('Resumen').fill(`Capacitación E2E ${stamp}`);
  await tid(page, 'training-total').filter({ hasText: '155' }).waitFor();
  await tid(page, 'save-meeting').click();
  await tid(page, 'meeting-training').waitFor();
  const text = await tid(page, 'meeting-training').innerText();
  expect(text.includes('Defensores públicos: 85') && text.includes('Jueces: 70'), `the training shows: ${text}`);
  S.trainingId = new URL(page.url()).pathname.split('/').pop();
  await shot(page, '11-training');
});

test('funder report: lines with their period and the training, copy button, A4 PDF with pdftoppm pages', async () => {
  const from = `${isoDate(0).slice(0, 8)}01`;
  const to = isoDate(0);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  await page.goto(`${BASE}/reports/funder?from=${from}&to=${to}`);
  await page.locator('[data-testid="funder-report"][data-ready="true"]').waitFor();
  await settled(page);
  await noErrorBox(page, 'the funder report');
  const lines = await tid(page, 'fr-funder-lines').getByTestId('funder-line').allInnerTexts();
  // The agreements, then one line per training modality of the period.
  expect(lines.length >= 2, `want the agreements and a training line, got ${JSON.stringify(lines)}`);
  // The page shows the server's lines (the demo's own trainings add to the one just logged).
  const want = (await (await api(`/api/v1/reports/funder?from=${from}&to=${to}`)).json()).lines.map((l) => l.es);
  expect(JSON.stringify(lines) === JSON.stringify(want), `funder lines ${JSON.stringify(lines)}, the API says ${JSON.stringify(want)}`);
  const defenders = Math.max(...lines.slice(1).map((l) => Number(/defensores públicos \((\d+)/.exec(l)?.[1] ?? 0)));
  expect(/^(Del|De|En|El) /.test(lines[0]) && defenders >= 85, `funder lines: ${JSON.stringify(lines)}`);
  await tid(page, 'fr-funder-lines').getByTestId('copy-funder-lines').click();
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  expect(clip === lines.join('\n'), `the clipboard holds ${JSON.stringify(clip)}`);
  await tid(page, 'fr-chart-meetings').waitFor();
  await tid(page, 'fr-chart-commitments').waitFor();
  await tid(page, 'fr-rules').waitFor();
  await shot(page, '12-funder-report');
  await page.emulateMedia({ media: 'print' });
  await shot(page, '12b-funder-report-print');
  const pdf = join(SHOTS, 'funder-report.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
  expect(pages >= 1, `the PDF has ${pages} pages`);
  expect(size && Math.abs(Number(size[1]) - 595.3) < 2 && Math.abs(Number(size[2]) - 841.9) < 2, `the PDF page is not A4: ${size?.[0]}`);
  execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(SHOTS, 'funder-report-page')]);
  const pngs = readdirSync(SHOTS).filter((f) => f.startsWith('funder-report-page') && f.endsWith('.png'));
  expect(pngs.length === pages, `pdftoppm made ${pngs.length} PNGs for ${pages} pages`);
  for (const f of pngs) expect(statSync(join(SHOTS, f)).size > 5000, `${f} looks empty`);
  const txt = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  expect(txt.includes('Informe para financiadores') && txt.replace(/\s+/g, ' ').includes(`defensores públicos (${defenders})`), 'the PDF text lacks the title or the training line');
  expect(!txt.includes('Imprimir o guardar PDF'), 'the print button is printed');
  perf.funder_report_pdf = { pages, png: pngs };
  console.log(`    funder report: ${pages} A4 page(s), ${pngs.join(', ')} in ${SHOTS}`);
});

test('notification centre, email digest setting and private calendar link', async () => {
  await page.goto(`${BASE}/`);
  await tid(page, 'notify-button').click();
  await tid(page, 'notify-panel').waitFor();
  await tid(page, 'notify-profile').click();
  await tid(page, 'digest-form').waitFor();
  // The e2e server has no mail server: a daily digest would never arrive, so it is refused
  // (422 smtp_not_configured) and the reason shows on the field.
  await page.locator('#digest').selectOption('daily');
  await tid(page, 'save-digest').click();
  const why = await tid(page, 'error-digest').innerText();
  expect(/servidor de correo/.test(why), `the refused digest says: ${why}`);
  expect((await tid(page, 'notice').count()) === 0, 'a refused digest says "Guardado."');
  const me = await (await api('/api/v1/me')).json();
  expect(me.digest === 'off', `after the refusal: digest ${me.digest}`);
  await tid(page, 'calendar-create').click();
  const url = await tid(page, 'calendar-url').inputValue();
  const feed = await fetch(url.replace(/^https?:\/\/[^/]+/, BASE));
  const ics = await feed.text();
  expect(feed.status === 200 && ics.startsWith('BEGIN:VCALENDAR'), `the feed answered ${feed.status}: ${ics.slice(0, 100)}`);
  expect(!S.meetingId || ics.includes(`meeting-${S.meetingId}@alianza`), 'the feed lacks the meeting the admin logged');
  await shot(page, '13-profile');
  await api('/api/v1/me', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ digest: 'off' }) });
});

const CUSCO = { email: 'manager.cusco@alianza.test', password: VIEWER.password };

test('offline: reload without signal, log a meeting with a new person and a commitment, close and reopen, back online: exactly one meeting', async () => {
  // Service workers are on in this context only (the others block them to measure cold loads).
  const ctx = await browser.newContext({ viewport: MOBILE, locale: 'es-PE', timezoneId: 'America/Lima', serviceWorkers: 'allow' });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  contexts.push(ctx);
  let p = await ctx.newPage();
  await signIn(p, CUSCO);
  await p.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 30_000 });
  await p.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('alianza.offline.ready.')), null, { timeout: 30_000 });
  const cachedBytes = await p.evaluate(() => Number(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith('alianza.offline.ready.')))));
  perf.offline = { cached_data_bytes: cachedBytes, user: CUSCO.email };
  console.log(`    cached working set of ${CUSCO.email} (one region, demo data): ${cachedBytes} B of JSON`);

  // A mid-range phone: the CPU four times slower (Chrome DevTools' "mid-tier mobile").
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await ctx.setOffline(true);
  let t0 = Date.now();
  await p.reload();
  await tid(p, 'offline-banner').waitFor().catch(async (e) => {
    await p.screenshot({ path: join(SHOTS, 'FAIL-offline-reload.png') });
    throw e;
  });
  const reloadMs = Date.now() - t0;
  // Their open tasks come from the device.
  await tid(p, 'my-tasks').waitFor();
  await p.waitForFunction(() => !document.querySelector('[data-testid="my-tasks"] [data-testid="loading"]'));
  expect((await tid(p, 'my-tasks').locator('[data-testid="error"]').count()) === 0, 'offline, the home page cannot show the open tasks');
  // A deep link without signal: the service worker answers with the kept app shell.
  t0 = Date.now();
  await p.goto(`${BASE}/meetings/new`);
  await tid(p, 'meeting-form').waitFor();
  const formMs = Date.now() - t0;
  const person = `Persona Sin Señal ${stamp}`;
  const summary = `Reunión sin señal ${stamp}`;
  const search = p.getByRole('combobox', { name: 'Buscar participante' });
  t0 = Date.now();
  await search.fill('rosa quis');
  await p.getByRole('option', { name: /Rosa Quispe/ }).first().waitFor();
  const searchMs = Date.now() - t0; // includes the picker's 200 ms typing pause
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  Object.assign(perf.offline, { cpu_throttle: 4, reload_offline_ms: reloadMs, meeting_form_offline_ms: formMs, participant_search_from_cache_ms: searchMs });
  console.log(`    offline, CPU 4x slower: reload to the app ${reloadMs} ms, meeting form ${formMs} ms, participant found in the cache ${searchMs} ms`);
  expect(searchMs < 1000, `searching the cached stakeholders took ${searchMs} ms on a mid-range phone profile, target under 1 s`);
  await p.getByRole('option', { name: /Rosa Quispe/ }).first().click();
  await search.fill(person);
  await tid(p, 'participant-search-create').click();
  await tid(p, 'participant').nth(1).waitFor();
  await p.getByLabel('Resumen').fill(summary);
  await tid(p, 'add-commitment').click();
  const who = p.locator('#commitments-0-stakeholder_id');
  await who.selectOption(await who.locator('option', { hasText: 'Rosa Quispe' }).getAttribute('value'));
  await p.locator('#commitments-0-text').fill(`Compromiso sin señal ${stamp}`);
  await p.locator('#commitments-0-due_on').fill(isoDate(30));
  await tid(p, 'save-meeting').click();
  const item = p.locator('[data-testid="outbox-item"][data-state="pending"]').filter({ hasText: summary });
  await item.waitFor();
  expect((await item.innerText()).includes('Pendiente de envío'), 'the queued meeting is not shown as "Pendiente de envío"');
  await shot(p, '16-offline-outbox');

  // Closing the page keeps the outbox on the device.
  await p.close();
  p = await ctx.newPage();
  await p.goto(`${BASE}/`);
  await p.locator('[data-testid="outbox-item"]').filter({ hasText: summary }).waitFor();

  await ctx.setOffline(false);
  await p.locator('[data-testid="outbox-item"]').filter({ hasText: summary }).waitFor({ state: 'detached', timeout: 60_000 });
  const found = await (await api(`/api/v1/meetings?q=${encodeURIComponent(`sin señal ${stamp}`)}`)).json();
  expect(found.items.length === 1, `${found.items.length} meetings on the server, want exactly one`);
  const m = found.items[0];
  expect(m.participants.some((x) => x.name === person) && m.commitment_ids.length === 1, `the meeting on the server: ${JSON.stringify(m.participants)}`);
  const people = await (await api(`/api/v1/stakeholders?q=${encodeURIComponent(person)}`)).json();
  expect(people.items.length === 1, `${people.items.length} stakeholders named ${person}, want one`);
  await ctx.close();
});

// ---- issue 22: everyday work on a phone and a desk ------------------------------

/**
 * textContrast checks every visible text under root against the background actually behind
 * it: the colours of the elements stacked under the text's centre (elementsFromPoint), blended
 * from the page up, not only its ancestors' declared colours. axe skipped the reminders
 * panel's white-on-white text; this reads what is painted. Returns one line per failure.
 */
async function textContrast(page, root, where) {
  return page.evaluate(
    ({ root, where }) => {
      const parse = (c) => {
        const m = /rgba?\(([^)]+)\)/.exec(c);
        if (!m) return null;
        const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
      };
      const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
      const lum = (c) => {
        const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
      };
      const out = [];
      const base = document.querySelector(root);
      if (!base) return [`${where}: ${root} is not on the page`];
      const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT);
      let checked = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent.trim()) continue;
        const el = n.parentElement;
        const cs = getComputedStyle(el);
        // SVG text is painted by fill, not color (axe checks charts).
        if (cs.visibility === 'hidden' || el.closest('.sr-only,[disabled],[aria-hidden="true"],svg')) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) continue;
        const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
        if (r.bottom < 0 || r.top > innerHeight) continue; // off the viewport vertically: not painted now
        const stack = document.elementsFromPoint(x, y);
        const at = stack.findIndex((s) => s === el || el.contains(s));
        if (at < 0) continue; // covered by something else at that point
        let bg = [255, 255, 255, 1];
        let image = false;
        for (const s of stack.slice(at).reverse()) {
          const st = getComputedStyle(s);
          if (st.backgroundImage !== 'none') image = true;
          const c = parse(st.backgroundColor);
          if (c && c[3] > 0) bg = over(c, bg);
        }
        if (image) continue;
        const fg = over(parse(cs.color) ?? [0, 0, 0, 1], bg);
        const [a, b] = [lum(fg), lum(bg)].sort((p, q) => q - p);
        const ratio = (a + 0.05) / (b + 0.05);
        const size = parseFloat(cs.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
        checked++;
        if (ratio < (large ? 3 : 4.5)) out.push(`${where}: "${n.textContent.trim().slice(0, 40)}" rgb(${fg.slice(0, 3).map(Math.round)}) on rgb(${bg.slice(0, 3).map(Math.round)}) ratio ${ratio.toFixed(2)}`);
      }
      if (checked === 0) out.push(`${where}: no visible text checked under ${root}`);
      return out;
    },
    { root, where },
  );
}

/** onScreen fails unless the element's box lies within the viewport horizontally (and starts in it vertically). */
async function onScreen(page, locator, what) {
  const box = await locator.boundingBox();
  const vp = page.viewportSize();
  expect(box, `${what} has no box`);
  expect(box.x >= 0 && box.x + box.width <= vp.width + 0.5, `${what} spans x ${box.x.toFixed(0)} to ${(box.x + box.width).toFixed(0)}, the screen is ${vp.width} wide`);
  expect(box.y >= 0 && box.y < vp.height, `${what} starts at y ${box.y.toFixed(0)}, outside the ${vp.height} px screen`);
}

test('reminders panel: readable text and link on the screen at 1280x800 and 390x844, axe and painted contrast', async () => {
  const problems = [];
  for (const vp of [DESKTOP, MOBILE]) {
    const p = await newPage(vp, `reminders ${vp.width}`);
    await signIn(p, CUSCO);
    await tid(p, 'recent-meetings').waitFor();
    await tid(p, 'notify-button').click();
    const panel = tid(p, 'notify-panel');
    await panel.waitFor();
    await p.waitForTimeout(300); // the list loads in the background
    await onScreen(p, panel, `the reminders panel at ${vp.width}`);
    problems.push(...(await textContrast(p, '#notify-panel', `reminders panel at ${vp.width}`)));
    problems.push(...(await axeScan(p, `reminders panel open at ${vp.width}`)));
    await shot(p, '30-reminders-open');
    await p.context().close();
  }
  expect(problems.length === 0, problems.join('\n      '));
});

/** cls sums the layout shifts not caused by input (PerformanceObserver 'layout-shift', buffered), as Lighthouse does for a load. */
async function measureCLS(vp, cpuRate) {
  const ctx = await browser.newContext({ viewport: vp, locale: 'es-PE', timezoneId: 'America/Lima', serviceWorkers: 'block' });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  contexts.push(ctx);
  const p = await ctx.newPage();
  await signIn(p, CUSCO);
  const cdp = await ctx.newCDPSession(p);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuRate });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await p.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await p.reload();
  await tid(p, 'recent-meetings').waitFor({ timeout: 60_000 });
  await p.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: 60_000 });
  await p.waitForTimeout(1500);
  const v = await p.evaluate(() => window.__cls);
  await ctx.close();
  return v;
}

test('home page layout shift (CLS) under 0.1 at 1280x800 and at 390x844 with a 4x slower CPU, on slow 3G', async () => {
  const desk = await measureCLS(DESKTOP, 1);
  const phone = await measureCLS(MOBILE, 4);
  perf.cls = { method: 'PerformanceObserver layout-shift without recent input, summed from reload to 1.5 s after the last loading state, Cusco manager, slow 3G', desktop: desk, phone_cpu4x: phone };
  console.log(`    CLS of the home page: ${desk.toFixed(3)} at 1280x800, ${phone.toFixed(3)} at 390x844 with the CPU 4x slower (slow 3G)`);
  expect(desk < 0.1 && phone < 0.1, `CLS ${desk.toFixed(3)} (desktop) and ${phone.toFixed(3)} (phone), target under 0.1`);
});

test('slow network (1.5 s): after "Agregar nueva persona" the typing stays in the summary; long fields counted; focus to new commitment and task fields', async () => {
  const p = await newPage(MOBILE, 'slow focus');
  await signIn(p, CUSCO);
  await p.goto(`${BASE}/meetings/new`);
  await tid(p, 'meeting-form').waitFor();
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 1500, downloadThroughput: 50_000, uploadThroughput: 50_000 });
  const search = p.getByRole('combobox', { name: 'Buscar participante' });
  await search.fill(`Persona Lenta ${stamp}`);
  await tid(p, 'participant-search-create').click();
  // The person moves on at once, while the server is still creating the person.
  const summary = p.getByLabel('Resumen');
  await summary.click();
  const first = 'Acordamos revisar el presupuesto regional';
  const rest = ' y convocar a la mesa de trabajo en enero.';
  await p.keyboard.type(first);
  await tid(p, 'participant').first().waitFor({ timeout: 30_000 });
  await p.keyboard.type(rest);
  const got = await summary.inputValue();
  const inSearch = await search.inputValue();
  const focused = await p.evaluate(() => document.activeElement?.id);
  expect(got === first + rest, `the summary holds "${got}"`);
  expect(inSearch === '', `the participant search received "${inSearch}"`);
  expect(focused === 'summary', `focus is on #${focused}, want #summary`);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // Long fields are limited and counted while typing.
  const count = await tid(p, 'count-summary').innerText();
  expect(count.startsWith(`${(first + rest).length} / 20`), `the summary counter says "${count}"`);
  expect((await summary.getAttribute('maxlength')) === '20000', 'the summary has no length limit');
  // "+ Agregar compromiso" / "+ Agregar tarea" by keyboard: focus goes to the new fields (point 10).
  await tid(p, 'add-commitment').focus();
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => document.activeElement?.id === 'commitments-0-text');
  await tid(p, 'add-task').focus();
  await p.keyboard.press('Enter');
  await p.waitForFunction(() => document.activeElement?.id === 'tasks-0-title');
  await p.context().close();
});

/** outboxOf reads the signed-in user's outbox from IndexedDB and lets change rewrite it (as an older app version could have stored it). */
async function rewriteOutbox(p, change) {
  return p.evaluate(async (src) => {
    const change = new Function(`return (${src})`)();
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open('alianza-offline');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    const tx = (mode) => db.transaction('kv', mode).objectStore('kv');
    const keys = await new Promise((ok) => {
      const r = tx('readonly').getAllKeys();
      r.onsuccess = () => ok(r.result);
    });
    const key = keys.find((k) => String(k).startsWith('outbox:'));
    const items = await new Promise((ok) => {
      const r = tx('readonly').get(key);
      r.onsuccess = () => ok(r.result);
    });
    await new Promise((ok) => {
      const r = tx('readwrite').put(change(items), key);
      r.onsuccess = () => ok();
    });
    return items.length;
  }, change.toString());
}

test('offline phone walk: calm home with its copies, meetings list, "enviado" and fresh lists, a refused meeting fixed in the form', async () => {
  const ctx = await browser.newContext({ viewport: MOBILE, locale: 'es-PE', timezoneId: 'America/Lima', serviceWorkers: 'allow' });
  ctx.setDefaultTimeout(STEP_TIMEOUT);
  contexts.push(ctx);
  const p = await ctx.newPage();
  p.on('pageerror', (e) => pageErrors.push(`offline walk: ${e.message}`));
  await signIn(p, CUSCO);
  await p.waitForFunction(() => !!navigator.serviceWorker?.controller, null, { timeout: 30_000 });
  await p.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith('alianza.offline.ready.')), null, { timeout: 30_000 });
  await settled(p);

  await ctx.setOffline(true);
  await p.reload();
  await tid(p, 'offline-banner').waitFor();
  await settled(p);
  await noErrorBox(p, 'the home page without signal');
  const kept = await p.locator('[data-testid="kept-note"]').count();
  expect(kept >= 2, `${kept} home sections say they show the device's copy, want at least 2`);
  await shot(p, '31-offline-home');
  // The meetings list, never opened online: its page is kept by the service worker, its rows by the app.
  await p.goto(`${BASE}/meetings`);
  await tid(p, 'meeting-list').waitFor();
  await tid(p, 'kept-note').waitFor();
  await noErrorBox(p, 'the meetings list without signal');

  // Two meetings saved without signal; the second was stored refused-to-be (an older app's over-long summary).
  const good = `Reunión enviada luego ${stamp}`;
  const bad = `Reunión por corregir ${stamp}`;
  for (const summary of [good, bad]) {
    await p.goto(`${BASE}/meetings/new`);
    await tid(p, 'meeting-form').waitFor();
    const search = p.getByRole('combobox', { name: 'Buscar participante' });
    await search.fill('rosa quis');
    await p.getByRole('option', { name: /Rosa Quispe/ }).first().click();
    await p.getByLabel('Resumen').fill(summary);
    await tid(p, 'save-meeting').click();
    await p.locator('[data-testid="outbox-item"][data-state="pending"]').filter({ hasText: summary }).waitFor();
  }
  const long = 'x'.repeat(20_001);
  await rewriteOutbox(p, `(items) => items.map((it) => it.body.summary.startsWith(${JSON.stringify(bad)}) ? { ...it, body: { ...it.body, summary: it.body.summary + ' ' + ${JSON.stringify(long)} } } : it)`);
  await p.goto(`${BASE}/`);
  await tid(p, 'recent-meetings').waitFor();

  await ctx.setOffline(false);
  const sent = tid(p, 'outbox-sent');
  await sent.waitFor({ timeout: 60_000 });
  expect(/Enviada/.test(await sent.innerText()), `the confirmation says: ${await sent.innerText()}`);
  await tid(p, 'recent-meetings').getByText(/Rosa Quispe/).first().waitFor();
  const refused = p.locator('[data-testid="outbox-item"][data-state="invalid"]').filter({ hasText: bad });
  await refused.waitFor({ timeout: 60_000 });
  const msg = await refused.innerText();
  expect(/Resumen/.test(msg) && !/summary:/.test(msg), `the refused item says: ${msg}`);
  await shot(p, '32-sent-and-refused');
  await refused.getByTestId('outbox-fix').click();
  await tid(p, 'meeting-form').waitFor();
  await p.locator('#summary-err').waitFor();
  expect(/20000|20 000|20\.000/.test(await p.locator('#summary-err').innerText()), `the summary error: ${await p.locator('#summary-err').innerText()}`);
  expect((await tid(p, 'participant').count()) === 1, 'the participant did not come back in the draft');
  await shot(p, '33-refused-in-form');
  await p.getByLabel('Resumen').fill(`${bad} (corregida)`);
  await tid(p, 'save-meeting').click();
  await tid(p, 'meeting-detail').waitFor();
  const found = await (await api(`/api/v1/meetings?q=${encodeURIComponent(`por corregir ${stamp}`)}`)).json();
  expect(found.items.length === 1, `${found.items.length} corrected meetings on the server, want one`);
  const sentFound = await (await api(`/api/v1/meetings?q=${encodeURIComponent(`enviada luego ${stamp}`)}`)).json();
  expect(sentFound.items.length === 1, `${sentFound.items.length} sent meetings on the server, want one`);
  await ctx.close();
});

test('triage: "Tarea creada" shows under the pressed button, on screen, and the form is ready for the next', async () => {
  const p = await newPage(DESKTOP, 'triage');
  await signIn(p, ADMIN);
  const list = await (await api('/api/v1/messages?limit=5')).json();
  // A message matched to a stakeholder: its task takes the stakeholder's region.
  const m = (list.items ?? []).find((x) => (x.stakeholder_ids ?? []).length > 0);
  if (!m) throw new ExpectedFailure('no synced message to triage (the mail seed did not run)');
  await p.goto(`${BASE}/correspondence?queue=all&id=${m.id}`);
  await tid(p, 'reader').waitFor();
  await p.getByText('Crear tarea', { exact: true }).first().click();
  const form = tid(p, 'task-from-message');
  await form.locator('#mt-title').fill(`Responder ${stamp}`);
  await form.getByRole('button', { name: 'Crear tarea' }).click();
  const note = form.getByTestId('notice');
  await note.waitFor();
  expect(/Tarea creada/.test(await note.innerText()), `the confirmation says ${await note.innerText()}`);
  await onScreen(p, note, 'the task confirmation');
  const near = await p.evaluate(() => {
    const f = document.querySelector('[data-testid="task-from-message"]');
    const b = f.querySelector('button[type="submit"]').getBoundingClientRect();
    const n = f.querySelector('[data-testid="notice"]').getBoundingClientRect();
    return n.top - b.bottom;
  });
  expect(near >= 0 && near < 80, `the confirmation is ${near.toFixed(0)} px below the button`);
  await shot(p, '34-triage-task-created');

  await p.context().close();
});

test('Admin → Datos: data named as people know it, scheduled backups said to be off, a downloaded backup that alianza backup verify accepts', async () => {
  const p = await newPage(DESKTOP, 'admin data');
  await signIn(p, ADMIN);
  await p.goto(`${BASE}/admin/data`);
  await tid(p, 'storage').waitFor();
  const off = await tid(p, 'backups-off').innerText();
  expect(/desactivadas/.test(off), `the page says about scheduled backups: ${off}`);
  const rows = await p.locator('[data-testid^="data-"]').allInnerTexts();
  expect(rows.some((r) => r.startsWith('Actores')) && !rows.some((r) => /refresh_tokens|idempotency|job_leases/.test(r)), `the data rows: ${rows.join(' | ')}`);
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 60_000 }), tid(p, 'backup-now').click()]);
  const file = join(SHOTS, 'downloaded-backup.tar.gz');
  await dl.saveAs(file);
  const bin = process.env.ALIANZA_BIN ?? resolve('bin/alianza');
  const out = execFileSync(bin, ['backup', 'verify', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(`    alianza backup verify ${dl.suggestedFilename()}: ${out.trim().split('\n').slice(-1)[0]}`);
  await shot(p, '35-admin-data');
  await p.context().close();
});

test('home-screen icons: PNG 192 and 512, a maskable one, an apple-touch-icon for iOS', async () => {
  const manifest = await (await fetch(`${BASE}/manifest.webmanifest`)).json();
  const icons = manifest.icons ?? [];
  const want = [['192x192', 'any'], ['512x512', 'any'], ['512x512', 'maskable']];
  for (const [sizes, purpose] of want) {
    const icon = icons.find((i) => i.type === 'image/png' && i.sizes === sizes && i.purpose.split(' ').includes(purpose));
    expect(icon, `no PNG ${sizes} icon for ${purpose} in the manifest: ${JSON.stringify(icons)}`);
    const r = await fetch(`${BASE}${icon.src}`);
    expect(r.status === 200 && r.headers.get('content-type') === 'image/png', `${icon.src} -> ${r.status} ${r.headers.get('content-type')}`);
  }
  const html = await (await fetch(`${BASE}/`)).text();
  const touch = /<link rel="apple-touch-icon" href="([^"]+)"/.exec(html);
  expect(touch, 'index.html has no apple-touch-icon');
  const r = await fetch(`${BASE}${touch[1]}`);
  expect(r.status === 200 && r.headers.get('content-type') === 'image/png', `${touch[1]} -> ${r.status}`);
});

// ---- screenshots of every main screen at both sizes ---------------------------

test('results: every indicator, its records, a target', async () => {
  await page.goto(`${BASE}/results`);
  await page.locator('[data-testid="results"][data-ready="true"]').waitFor();
  await settled(page);
  await noErrorBox(page, 'the results');
  const list = await (await api('/api/v1/indicators')).json();
  for (const it of list.items) await tid(page, `indicator-${it.code}`).waitFor();
  const card = tid(page, 'indicator-congress_agreements');
  await card.getByTestId('rs-actual').click();
  await card.getByTestId('rs-records').waitFor();
  const recs = await (await api('/api/v1/indicators/congress_agreements/records')).json();
  // The list box shows before its rows arrive: wait for the last one.
  if (recs.items.length > 0) await card.getByTestId('rs-record').nth(recs.items.length - 1).waitFor();
  const shown = await card.getByTestId('rs-record').count();
  expect(shown === recs.items.length && recs.items.length === list.items[0].actual, `records shown ${shown}, the API lists ${recs.items.length}, the figure is ${list.items[0].actual}`);
  const people = tid(page, 'indicator-people_trained');
  await people.locator('input[type="number"]').fill('1000');
  await people.getByTestId('rs-target-form').locator('button[type="submit"]').click();
  await people.getByTestId('rs-target').filter({ hasText: '1000' }).waitFor();
  await shot(page, '27-results');
});

test('initiatives: record a bill with its author, move it a stage with a note, a stale change refused, board by stage, linked from a meeting and its commitment, on a phone', async () => {
  const title = `E2E ${stamp}: ley de refugios temporales para víctimas de trata`;
  await page.setViewportSize(DESKTOP);
  await tid(page, 'nav-initiatives').click();
  await tid(page, 'initiatives').waitFor();
  await settled(page);
  await tid(page, 'new-initiative').click();
  await tid(page, 'initiative-form').waitFor();
  await settled(page);
  await page.locator('#if-kind').selectOption('bill');
  await page.locator('#if-region').selectOption('08');
  // The stages offered are the kind's, from the server; a new bill starts "presented".
  expect((await page.locator('#if-stage').inputValue()) === 'presented', `a new bill starts at ${await page.locator('#if-stage').inputValue()}`);
  await page.locator('#if-title').fill(title);
  await page.locator('#if-number').fill(`PL ${stamp.slice(8, 12)}/2026-CR`);
  await page.locator('#if-stage_on').fill(isoDate(-40));
  const search = page.getByRole('combobox', { name: 'Vincular un actor' });
  await search.fill('rosa quis');
  await page.getByRole('option', { name: /Rosa Quispe/ }).first().click();
  await tid(page, 'initiative-form-stakeholder').first().waitFor();
  // A linked stakeholder without a role is caught before anything is sent.
  await tid(page, 'save-initiative').click();
  await tid(page, 'error-if-stakeholders-0-role').waitFor();
  await page.locator('#if-stakeholders-0-role').selectOption('author');
  await shot(page, '28-initiative-form');
  await tid(page, 'save-initiative').click();
  const detail = tid(page, 'initiative-detail');
  await detail.waitFor();
  await settled(page);
  S.initiativeId = await detail.getAttribute('data-id');
  expect(/^[0-9a-f]{24}$/.test(S.initiativeId ?? ''), `the new initiative's page has no id (${S.initiativeId})`);
  expect((await tid(page, 'initiative-stakeholder').first().innerText()).includes('Autor'), 'Rosa Quispe is not shown as the author');

  // Move it to the committee, with a date and a note.
  await page.locator('#new-stage').selectOption('in_committee');
  await page.locator('#stage-on').fill(isoDate(-3));
  await page.locator('#stage-note').fill('Decretado a la Comisión de la Mujer y Familia.');
  await tid(page, 'save-stage').click();
  await page.locator('[data-testid="initiative-detail"][data-stage="in_committee"]').waitFor();
  await tid(page, 'initiative-history').getByText('Decretado a la Comisión de la Mujer y Familia.').waitFor();
  await noErrorBox(page, 'the initiative after the stage change');

  // Someone else changes it meanwhile: this page's version is stale, and the change is refused
  // with a plain sentence and a reload, not applied over theirs.
  const r = await api(`/api/v1/initiatives/${S.initiativeId}`);
  const now = await r.json();
  const patched = await api(`/api/v1/initiatives/${S.initiativeId}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ summary: 'Cambiado por otra persona', version: now.version }) });
  expect(patched.status === 200, `PATCH /initiatives/${S.initiativeId} -> ${patched.status} ${await patched.text()}`);
  await page.locator('#new-stage').selectOption('committee_report');
  await page.locator('#stage-note').fill('Dictamen favorable.');
  await tid(page, 'save-stage').click();
  const conflict = tid(page, 'stage-form').getByTestId('error');
  await conflict.waitFor();
  for (const b of badResponses) if (b.status === 409 && b.path === `/api/v1/initiatives/${S.initiativeId}/stage`) b.deliberate = true;
  await conflict.getByRole('button', { name: 'Recargar' }).click();
  await detail.getByText('Cambiado por otra persona').waitFor();
  expect((await detail.getAttribute('data-stage')) === 'in_committee', 'the stale stage change was applied');
  // Edit: tags, and a second stakeholder who opposes it.
  await tid(page, 'edit-initiative').click();
  await tid(page, 'initiative-form').waitFor();
  await settled(page);
  await page.locator('#if-tags').fill('refugios, víctimas');
  await page.getByRole('combobox', { name: 'Vincular un actor' }).fill('fiscalia especializada');
  await page.getByRole('option', { name: /Fiscalía Demo Especializada de Cusco/ }).first().click();
  await page.locator('#if-stakeholders-1-role').selectOption('implementer');
  await tid(page, 'save-initiative').click();
  await detail.waitFor();
  await page.locator('[data-testid="initiative-stakeholder"][data-role="implementer"]').waitFor();
  await detail.getByText('refugios, víctimas').waitFor();
  await shot(page, '30-initiative');

  // The board of bills shows it in its stage's column; the 30-day view lists it.
  await page.goto(`${BASE}/initiatives?view=board&kind=bill`);
  await tid(page, 'stage-col-in_committee').locator(`[data-testid="initiative-card"][data-id="${S.initiativeId}"]`).waitFor();
  for (const st of ['presented', 'in_committee', 'committee_report', 'plenary', 'approved', 'enacted', 'archived', 'withdrawn']) await tid(page, `stage-col-${st}`).waitFor();
  await shot(page, '29-initiatives-board');
  await page.goto(`${BASE}/initiatives?view=moved`);
  await page.locator(`[data-testid="initiative-row"][data-id="${S.initiativeId}"]`).waitFor();
  await page.goto(`${BASE}/initiatives?q=${encodeURIComponent('refugios temporales')}`);
  await page.locator(`[data-testid="initiative-row"][data-id="${S.initiativeId}"]`).waitFor();

  // A meeting about it, from its page: the initiative comes filled in, and the commitment names it.
  await page.goto(`${BASE}/initiatives/${S.initiativeId}`);
  await tid(page, 'initiative-log-meeting').click();
  await tid(page, 'meeting-form').waitFor();
  await page.locator(`[data-testid="meeting-initiative"][data-id="${S.initiativeId}"]`).waitFor();
  await page.getByLabel('Región', { exact: true }).selectOption('08');
  await page.getByRole('combobox', { name: 'Buscar participante' }).fill('rosa quis');
  await page.getByRole('option', { name: /Rosa Quispe/ }).first().click();
  await tid(page, 'participant').first().waitFor();
  await page.getByLabel('Resumen').fill(`Reunión E2E ${stamp} sobre el proyecto de ley de refugios.`);
  await tid(page, 'add-commitment').click();
  await page.locator('#commitments-0-text').fill(`E2E ${stamp}: votar a favor del dictamen`);
  await page.locator('#commitments-0-initiative_id').selectOption(S.initiativeId);
  await tid(page, 'save-meeting').click();
  await tid(page, 'meeting-detail').waitFor();
  await tid(page, 'meeting-initiative-link').waitFor();
  await tid(page, 'meeting-initiative-link').click();
  await detail.waitFor();
  await tid(page, 'initiative-meeting').first().waitFor();
  await tid(page, 'initiative-commitment').filter({ hasText: 'votar a favor del dictamen' }).waitFor();
  // Her timeline shows her role in it and its stage change; the search finds it by number.
  await tid(page, 'initiative-stakeholder').first().getByRole('link').click();
  const tl = tid(page, 'timeline');
  await tl.locator(`[data-testid="timeline-item"][data-type="initiative"][data-id="${S.initiativeId}"]`).getByText('Rol: Autor').waitFor();
  const change = tl.locator(`[data-testid="timeline-item"][data-type="stage_change"][data-id="${S.initiativeId}"]`).filter({ hasText: 'En comisión' });
  await settled(page);
  // Dated on the day it happened (3 days ago): older pages may hold it.
  for (let i = 0; i < 6 && !(await change.count()); i++) {
    await tid(page, 'timeline-more').click();
    await settled(page);
  }
  await change.first().waitFor();
  await page.goto(`${BASE}/search?q=${encodeURIComponent(`PL ${stamp.slice(8, 12)}`)}`);
  await tid(page, 'search-initiative').filter({ hasText: title }).waitFor();

  // On a phone: the list, the board and the page fit the screen; English works too.
  const phone = await newPage(MOBILE, 'initiatives phone');
  await signIn(phone, ADMIN);
  const problems = [];
  for (const [name, path, ready] of [
    ['28-initiatives', '/initiatives', 'initiative-list'],
    ['29-initiatives-board', '/initiatives?view=board&kind=bill', 'initiative-board'],
    ['30-initiative', `/initiatives/${S.initiativeId}`, 'stage-form'],
  ]) {
    await phone.goto(`${BASE}${path}`);
    await tid(phone, ready).waitFor();
    await settled(phone);
    await shot(phone, name);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 1) problems.push(`${name} at 390x844: ${overflow}px wider than the screen`);
    problems.push(...(await axeScan(phone, `${name} at 390x844`)));
  }
  // Without signal the stage change waits on the phone, and is sent once the signal returns.
  await phone.context().setOffline(true);
  await phone.locator('#new-stage').selectOption('committee_report');
  await phone.locator('#stage-note').fill('Dictamen aprobado en comisión (registrado sin señal).');
  await tid(phone, 'save-stage').click();
  await tid(phone, 'outbox-item').filter({ hasText: 'Cambio de etapa' }).waitFor();
  await phone.context().setOffline(false);
  await tid(phone, 'outbox-sent').waitFor({ timeout: 30_000 });
  await phone.reload();
  await phone.locator('[data-testid="initiative-detail"][data-stage="committee_report"]').waitFor();
  const hist = await (await api(`/api/v1/initiatives/${S.initiativeId}`)).json();
  const sent = hist.history.filter((h) => h.stage === 'committee_report');
  expect(sent.length === 1, `the stage change recorded offline is in the history ${sent.length} times, want once`);
  await tid(phone, 'lang-switch').click();
  await phone.getByRole('heading', { name: 'Change stage' }).waitFor();
  await tid(phone, 'lang-switch').click();
  await phone.context().close();
  // A viewer reads it all and is offered no change.
  const viewer = await newPage(MOBILE, 'initiatives viewer');
  await signIn(viewer, VIEWER);
  await viewer.goto(`${BASE}/initiatives`);
  await tid(viewer, 'initiative-list').waitFor();
  await viewer.goto(`${BASE}/initiatives/${S.initiativeId}`);
  await tid(viewer, 'initiative-history').waitFor();
  await settled(viewer);
  for (const id of ['new-initiative', 'edit-initiative', 'delete-initiative', 'stage-form', 'initiative-log-meeting']) {
    expect((await tid(viewer, id).count()) === 0, `the viewer is offered ${id}`);
  }
  await viewer.context().close();

  // The Cusco manager moves it: the admin, its owner, finds the change among the reminders.
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'manager.cusco@alianza.test', password: VIEWER.password }) });
  expect(login.status === 200, `the Cusco manager could not sign in: ${login.status}`);
  const managerToken = (await login.json()).access_token;
  const current = await (await api(`/api/v1/initiatives/${S.initiativeId}`)).json();
  const moved = await fetch(`${BASE}/api/v1/initiatives/${S.initiativeId}/stage`, {
    method: 'POST',
    headers: { authorization: `Bearer ${managerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ stage: 'plenary', on: isoDate(-1), note: 'Agendado en el Pleno.', version: current.version }),
  });
  expect(moved.status === 200, `the Cusco manager's stage change -> ${moved.status} ${await moved.text()}`);
  await page.goto(`${BASE}/`);
  await tid(page, 'notify-button').click();
  await tid(page, 'notify-panel').getByRole('link', { name: `Cambio de etapa · Iniciativa: ${title} → En el Pleno` }).waitFor();
  await page.keyboard.press('Escape');
  expect(problems.length === 0, problems.join('\n      '));
});

const screens = () => [
  { name: '02-home', path: '/', ready: 'my-tasks' },
  { name: '03-stakeholders', path: '/stakeholders', ready: 'stakeholder-table' },
  { name: '04-stakeholder', path: `/stakeholders/${S.stakeholderId ?? ''}`, ready: 'timeline', needs: S.stakeholderId },
  { name: '05-meeting-form', path: '/meetings/new', ready: 'meeting-form' },
  { name: '06-commitments-board', path: '/commitments?region=08&view=board', ready: 'board' },
  { name: '07-commitment', path: `/commitments/${S.commitmentId ?? ''}`, ready: 'commitment-detail', needs: S.commitmentId },
  { name: '08-correspondence', path: S.messageId ? `/correspondence?queue=all&id=${S.messageId}` : '/correspondence?queue=all', ready: 'queue-all', mail: true },
  { name: '09-reports', path: '/reports', ready: 'chart-commitments-by-region' },
  { name: '10-admin', path: '/admin/users', ready: 'admin-users' },
  { name: '10b-admin-mailboxes', path: '/admin/mailboxes', ready: 'admin-mailboxes', mail: true },
  { name: '21-meetings', path: '/meetings?region=08', ready: 'meeting-list' },
  { name: '22-meetings-calendar', path: '/meetings?view=calendar', ready: 'meeting-calendar' },
  { name: '23-meeting-edit', path: `/meetings/${S.meetingId ?? ''}/edit`, ready: 'meeting-edit-form', needs: S.meetingId },
  { name: '24-tasks-team', path: '/tasks?scope=team&region=08', ready: 'task-table' },
  { name: '25-task', path: `/tasks/${S.taskId ?? ''}`, ready: 'task-detail', needs: S.taskId },
  { name: '26-unmatched-addresses', path: '/correspondence?queue=addresses', ready: 'unmatched-addresses', mail: true },
  { name: '10c-admin-reminders', path: '/admin/reminders', ready: 'admin-reminders' },
  { name: '14-funder-report', path: '/reports/funder', ready: 'fr-funder-lines' },
  { name: '27-results', path: '/results', ready: 'indicator-congress_agreements' },
  { name: '15-profile', path: '/profile', ready: 'digest-form' },
  { name: '10c-admin-data', path: '/admin/data', ready: 'storage' },
  { name: '28-initiatives', path: '/initiatives', ready: 'initiatives' },
  { name: '29-initiatives-board', path: '/initiatives?view=board&kind=bill', ready: 'initiative-board' },
  { name: '30-initiative', path: `/initiatives/${S.initiativeId ?? ''}`, ready: 'initiative-detail', needs: S.initiativeId },
  { name: '31-initiative-form', path: '/initiatives/new', ready: 'initiative-form' },
];

test('screenshots of every main screen at 1280x800 and 390x844', async () => {
  const problems = [];
  let count = 0;
  for (const vp of [DESKTOP, MOBILE]) {
    const anon = await newPage(vp, `login ${vp.width}`);
    await anon.goto(`${BASE}/`);
    await tid(anon, 'login-form').waitFor();
    await shot(anon, '01-login');
    count++;
    await anon.context().close();

    await page.setViewportSize(vp);
    for (const s of screens()) {
      if ('needs' in s && !s.needs) {
        problems.push(`${s.name}: skipped, an earlier step failed`);
        continue;
      }
      await page.goto(`${BASE}${s.path}`);
      try {
        await tid(page, s.ready).waitFor();
        await settled(page);
        await page.waitForTimeout(150);
      } catch (e) {
        problems.push(`${s.name} at ${vp.width}x${vp.height}: ${s.ready} did not show (${e.message.split('\n')[0]})`);
      }
      await shot(page, s.name);
      count++;
      if (!(s.mail && S.mailApi === 404)) {
        await noErrorBox(page, `${s.name} at ${vp.width}x${vp.height}`).catch((e) => problems.push(e.message));
      }
      // Nothing may stick out sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 1) problems.push(`${s.name} at ${vp.width}x${vp.height}: the page is ${overflow}px wider than the screen`);
    }
  }
  await page.setViewportSize(DESKTOP);
  console.log(`    ${count} screenshots in ${SHOTS}`);
  expect(problems.length === 0, problems.join('\n      '));
});

// ---- accessibility: axe-core (WCAG 2 A/AA) on every main screen, and a visible focus ----

// axe-core is a dev dependency, evaluated in the page through the DevTools protocol
// (an injected <script> would be refused by the app's Content-Security-Policy);
// it is never part of the app bundle.
const requireDev = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(requireDev.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_VERSION = requireDev('axe-core/package.json').version;

/** axeScan runs axe with the WCAG 2 A and AA rules on the page and returns readable violation lines. */
async function axeScan(page, where) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(`${AXE_SOURCE}\n;true`);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => {
        const d = (n.any ?? []).concat(n.all ?? [], n.none ?? []).map((c) => c.data).find((x) => x && (x.fgColor || x.bgColor));
        return { target: n.target.join(' '), colours: d ? `fg ${d.fgColor} on bg ${d.bgColor}, ratio ${d.contrastRatio}, want ${d.expectedContrastRatio}` : '' };
      }),
    }));
  });
  const lines = [];
  for (const v of res) {
    for (const n of v.nodes.slice(0, 5)) lines.push(`${where}: ${v.id} (${v.impact}) ${n.target}${n.colours ? ` — ${n.colours}` : ''}`);
    if (v.nodes.length > 5) lines.push(`${where}: ${v.id} … and ${v.nodes.length - 5} more`);
  }
  return lines;
}

test('accessibility: no WCAG 2 A/AA violations (axe) at 1280x800 and 360x740, visible focus', async () => {
  const problems = [];
  let scanned = 0;
  for (const vp of [DESKTOP, NARROW]) {
    const size = `${vp.width}x${vp.height}`;
    const anon = await newPage(vp, `a11y login ${vp.width}`);
    await anon.goto(`${BASE}/`);
    await tid(anon, 'login-form').waitFor();
    problems.push(...(await axeScan(anon, `01-login at ${size}`)));
    scanned++;
    await anon.context().close();

    await page.setViewportSize(vp);
    for (const s of screens()) {
      if (s.name === '07-commitment' || s.name === '10b-admin-mailboxes') continue; // not in the list of main screens
      if ('needs' in s && !s.needs) {
        problems.push(`${s.name}: skipped, an earlier step failed`);
        continue;
      }
      if (s.mail && S.mailApi === 404) continue;
      await page.goto(`${BASE}${s.path}`);
      try {
        await tid(page, s.ready).waitFor();
        await settled(page);
      } catch (e) {
        problems.push(`${s.name} at ${size}: ${s.ready} did not show (${e.message.split('\n')[0]})`);
        continue;
      }
      problems.push(...(await axeScan(page, `${s.name} at ${size}`)));
      // axe judges colours from declared styles; this reads what is painted behind each text.
      problems.push(...(await textContrast(page, 'body', `${s.name} at ${size} (painted)`)));
      scanned++;
      // Works at 360 px: nothing sticks out sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 1) problems.push(`${s.name} at ${size}: the page is ${overflow}px wider than the screen`);
    }
  }
  await page.setViewportSize(DESKTOP);
  // The reminders panel open over the home page.
  await page.goto(`${BASE}/`);
  await tid(page, 'notify-button').click();
  await tid(page, 'notify-panel').waitFor();
  problems.push(...(await axeScan(page, 'home with the reminders panel open')));
  problems.push(...(await textContrast(page, '#notify-panel', 'reminders panel (painted)')));
  scanned++;

  // A focused element shows where it is: tab from the top of the home page to the first link.
  await page.goto(`${BASE}/`);
  await tid(page, 'my-tasks').waitFor();
  await settled(page);
  await page.locator('body').click({ position: { x: 1, y: 1 } }).catch(() => {});
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  let focus = null;
  for (let i = 0; i < 15 && !focus; i++) {
    await page.keyboard.press('Tab');
    focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el.tagName !== 'A') return null;
      const cs = getComputedStyle(el);
      return { html: el.outerHTML.slice(0, 80), outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`, outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth), boxShadow: cs.boxShadow, focusVisible: el.matches(':focus-visible') };
    });
  }
  if (!focus) problems.push('focus: 15 presses of Tab never reached a link on the home page');
  else {
    console.log(`    focused ${focus.html}: outline ${focus.outline}, box-shadow ${focus.boxShadow}`);
    const outline = focus.outlineStyle !== 'none' && focus.outlineWidth > 0;
    const shadow = focus.boxShadow && focus.boxShadow !== 'none';
    if (!focus.focusVisible) problems.push(`focus: the link reached by Tab does not match :focus-visible (${focus.html})`);
    if (!outline && !shadow) problems.push(`focus: the link reached by Tab has no visible focus style (outline ${focus.outline}, box-shadow ${focus.boxShadow}): ${focus.html}`);
  }
  console.log(`    axe-core ${AXE_VERSION}: ${scanned} screens scanned, ${problems.length} problem(s)`);
  if (problems.length) writeFileSync(join(SHOTS, 'axe-violations.txt'), problems.join('\n') + '\n');
  expect(problems.length === 0, `${problems.length} accessibility problem(s) (all in ${join(SHOTS, 'axe-violations.txt')}):\n      ${problems.join('\n      ')}`);
});

test('sign out', async () => {
  await page.goto(`${BASE}/`);
  await tid(page, 'sign-out').click();
  await tid(page, 'login-form').waitFor();
  // Signed out for good: a reload does not resume the session.
  await page.reload();
  await tid(page, 'login-form').waitFor();
  const r = await page.evaluate(async () => (await fetch('/api/v1/auth/refresh', { method: 'POST' })).status);
  expect(r === 401, `POST /api/v1/auth/refresh after sign-out -> ${r}, want 401`);
});

// ---- the viewer (on a phone) ---------------------------------------------------------

test('a viewer sees no edit buttons (390x844)', async () => {
  const v = await newPage(MOBILE, 'viewer');
  await signIn(v, VIEWER);
  const role = await tid(v, 'current-user').getAttribute('data-role');
  expect(role === 'viewer', `current-user data-role is ${role}, want viewer`);
  await tid(v, 'recent-meetings').waitFor();
  await settled(v);
  /** noWriteForm fails when the page holds any form but a search. */
  const noWriteForm = async (where) => {
    const forms = await v.locator('form:not([role="search"])').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-testid') || f.getAttribute('aria-label') || f.className));
    expect(forms.length === 0, `the viewer sees a write form on ${where}: ${forms.join(', ')}`);
  };
  const absent = async (where, ids) => {
    for (const id of ids) {
      const n = await tid(v, id).count();
      expect(n === 0, `the viewer sees ${id} on ${where}`);
    }
  };
  await noErrorBox(v, "the viewer's home");
  await absent('home', ['nav-log-meeting', 'nav-admin', 'home-log-meeting', 'my-tasks', 'nav-tasks']);
  // Reading is a viewer's role: the reports open (their regions).
  await v.goto(`${BASE}/reports`);
  await settled(v);
  await noErrorBox(v, "the viewer's reports");
  expect((await v.getByText('Sin permiso').count()) === 0, 'the viewer is told "Sin permiso" on the reports');
  await v.goto(`${BASE}/`);
  await tid(v, 'recent-meetings').waitFor();
  await settled(v);
  await noWriteForm('home');
  // The menu opens on a phone and still has no edit entries.
  await v.getByRole('button', { name: 'Menú' }).click();
  await tid(v, 'nav-stakeholders').waitFor({ state: 'visible' });
  await shot(v, '11-viewer-menu');
  await tid(v, 'nav-stakeholders').click();
  await tid(v, 'stakeholder-table').waitFor();
  await settled(v);
  await absent('the stakeholder list', ['new-stakeholder']);
  const sid = S.stakeholderId;
  await v.goto(`${BASE}/stakeholders/${sid ?? (await firstStakeholder())}`);
  await tid(v, 'timeline').waitFor();
  await settled(v);
  await absent('a stakeholder', ['edit-stakeholder', 'archive-stakeholder', 'log-meeting-with']);
  await noWriteForm('a stakeholder');
  // Write screens reached by URL say they are read-only, with no form.
  for (const path of ['/meetings/new', '/stakeholders/new', `/meetings/${S.meetingId ?? 'x'}/edit`]) {
    await v.goto(`${BASE}${path}`);
    await tid(v, 'read-only').waitFor();
    await noWriteForm(path);
  }
  await shot(v, '27-viewer-read-only');
  await v.goto(`${BASE}/meetings`);
  await tid(v, 'meeting-list').waitFor();
  await settled(v);
  await absent('the meetings', ['new-meeting']);
  await noWriteForm('the meetings');
  if (S.meetingId) {
    await v.goto(`${BASE}/meetings/${S.meetingId}`);
    await tid(v, 'meeting-detail').waitFor();
    await settled(v);
    await absent('a meeting', ['edit-meeting', 'delete-meeting']);
    await noWriteForm('a meeting');
  }
  await shot(v, '12-viewer-stakeholder');
  await v.goto(`${BASE}/commitments?region=08&view=board`);
  await tid(v, 'board').waitFor();
  await settled(v);
  const card = tid(v, 'commitment-card').first();
  await card.waitFor();
  const cardId = await card.getAttribute('data-id');
  await card.getByRole('link').first().click();
  await tid(v, 'commitment-detail').waitFor();
  await absent('a commitment', ['status-form', 'save-status', 'edit-commitment']);
  await noWriteForm('a commitment');
  await shot(v, '13-viewer-commitment');
  // The API agrees: a viewer's write is refused.
  const tok = await v.evaluate(async (who) => {
    const r = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
    return (await r.json()).access_token;
  }, VIEWER);
  const w = await v.evaluate(async ([tok, id]) => {
    const r = await fetch(`/api/v1/commitments/${id}/status`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: JSON.stringify({ status: 'withdrawn', note: 'viewer', version: 1 }) });
    return r.status;
  }, [tok, cardId]);
  expect(w === 403, `POST /commitments/{id}/status as the viewer -> ${w}, want 403`);
  // Correspondence: no bulk selection, bodies hidden (when the mail API exists).
  await v.goto(`${BASE}/correspondence?queue=all`);
  await tid(v, 'queue-all').waitFor();
  await settled(v);
  if (S.mailApi !== 404) {
    await absent('the correspondence', ['select-all', 'bulk-apply']);
    const row = tid(v, 'message-row').first();
    if (await row.count()) {
      await row.getByRole('link').first().click();
      await tid(v, 'body-hidden').waitFor();
      expect((await tid(v, 'message-body').count()) === 0, 'the viewer sees a message body');
      await noWriteForm('a message');
    }
  }
  await shot(v, '14-viewer-correspondence');
  await v.context().close();
});

test('log a meeting on a phone as the Cusco manager (390x844)', async () => {
  const m = await newPage(MOBILE, 'manager');
  await signIn(m, { email: 'manager.cusco@alianza.test', password: VIEWER.password });
  await m.getByRole('button', { name: 'Menú' }).click();
  await tid(m, 'nav-log-meeting').click();
  await tid(m, 'meeting-form').waitFor();
  await settled(m);
  // A manager of one region gets only that region to choose from.
  const codes = await m.locator('#region option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  expect(codes.join(',') === '08', `the Cusco manager may log meetings in ${codes.join(',')}, want only 08`);
  await m.getByLabel('Región', { exact: true }).selectOption('08');
  const search = m.getByRole('combobox', { name: 'Buscar participante' });
  await search.fill('julio hua');
  await m.getByRole('option', { name: /Julio Huamán/ }).first().click();
  await tid(m, 'participant').first().waitFor();
  await m.getByRole('checkbox', { name: 'Coordinación' }).check();
  const summary = `Llamada E2E ${stamp} desde el celular`;
  await m.getByLabel('Resumen').fill(summary);
  await m.getByLabel('Tipo de reunión').selectOption('call');
  await tid(m, 'save-meeting').click();
  await tid(m, 'meeting-detail').waitFor();
  await shot(m, '15-manager-meeting-saved');
  await m.goto(`${BASE}/`);
  await tid(m, 'recent-meetings').getByText(/Julio Huamán/).first().waitFor();
  await m.context().close();
});

async function firstStakeholder() {
  const r = await api('/api/v1/stakeholders?region=08&limit=1');
  return (await r.json()).items[0].id;
}

// The stakeholders list is asked for in pages of a third of the stakeholders (the app asks for
// 50, more than the demo has), so it takes two "Cargar más" to reach its end.
test('keyboard "Cargar más": focus stays on the list to its end, a failed page offline lands on "Reintentar", each page\'s count said, a new filter keeps its focus', async () => {
  const p = await newPage(DESKTOP, 'load-more');
  const everyone = await (await api('/api/v1/stakeholders?limit=200')).json();
  expect(!everyone.next_cursor, 'more than 200 stakeholders: the test counts them in one page');
  const all = everyone.items.length;
  const size = Math.ceil(all / 3);
  expect(all >= 6 && size * 2 < all, `${all} stakeholders, want at least 6 for three pages`);
  // The next pages take 400 ms more, long enough to look at the page while one loads.
  await p.route(/\/api\/v1\/stakeholders\?/, async (route) => {
    const u = new URL(route.request().url());
    if (u.searchParams.get('limit') === '50') u.searchParams.set('limit', String(size));
    if (u.searchParams.has('cursor')) await new Promise((r) => setTimeout(r, 400));
    return route.continue({ url: u.toString() });
  });
  await signIn(p, ADMIN);
  await p.goto(`${BASE}/stakeholders`);
  const rows = p.getByTestId('stakeholder-row');
  const more = p.getByRole('button', { name: 'Cargar más' });
  await more.waitFor();
  await settled(p);
  /** focused describes document.activeElement: its tag, role, test id and text. */
  const focused = () =>
    p.evaluate(() => {
      const a = document.activeElement;
      return { tag: a?.tagName ?? '', role: a?.getAttribute('role') ?? '', testid: a?.getAttribute('data-testid') ?? '', text: (a?.textContent ?? '').trim().slice(0, 80), inMore: !!a?.closest('.load-more') };
    });
  let f = await focused();
  expect(!f.inMore, `the first page put focus on its "load more" (${JSON.stringify(f)}); focus moves only by the person's own action`);
  expect((await rows.count()) === size, `the first page shows ${await rows.count()} rows, want ${size}`);

  // From the last row's link, Tab reaches "Cargar más".
  await rows.last().getByRole('link').focus();
  await p.keyboard.press('Tab');
  f = await focused();
  expect(f.tag === 'BUTTON' && f.text === 'Cargar más', `Tab after the last row is on ${JSON.stringify(f)}, want "Cargar más"`);

  // Without signal the page fails: its error says so by the rows, and focus is on "Reintentar".
  await p.context().setOffline(true);
  await p.keyboard.press('Enter');
  await p.getByRole('alert').filter({ has: p.getByRole('button', { name: 'Reintentar' }) }).waitFor();
  f = await focused();
  expect(f.tag === 'BUTTON' && f.text === 'Reintentar' && f.inMore, `after a failed "Cargar más" focus is on ${JSON.stringify(f)}, want the error's "Reintentar"`);
  expect((await rows.count()) === size, `the failed page changed the rows shown: ${await rows.count()}, want ${size}`);

  // Back online, Enter on "Reintentar" asks for that page again: focus is on the busy button,
  // the only "Cargando…" (a second one above it pushed it down), then on "Cargar más" again.
  await p.context().setOffline(false);
  await p.keyboard.press('Enter');
  await p.locator('.load-more [aria-busy="true"]').waitFor();
  f = await focused();
  expect(f.tag === 'BUTTON' && f.text === 'Cargando…' && f.inMore, `while the retried page loads focus is on ${JSON.stringify(f)}, want the busy "Cargando…" button`);
  const loadings = await p.getByTestId('loading').count();
  expect(loadings === 0, `while a "Cargar más" loads the page also says loading ${loadings} time(s) elsewhere, want only its busy button`);
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid="stakeholder-row"]').length === n, size * 2);
  await p.waitForFunction(() => !document.querySelector('.load-more [aria-busy="true"]'));
  f = await focused();
  expect(f.tag === 'BUTTON' && f.text === 'Cargar más', `after a retried page focus is on ${JSON.stringify(f)}, want "Cargar más"`);
  const said = async () => (await p.getByTestId('list-added').innerText()).trim();
  expect((await said()) === `Se cargaron ${size} más.`, `a screen reader hears "${await said()}" after the page, want "Se cargaron ${size} más."`);

  // The last page: the button gives way to the list's end, said politely, and focus is on it.
  await p.keyboard.press('Enter');
  await p.getByTestId('list-end').waitFor();
  f = await focused();
  expect(f.testid === 'list-end' && f.role === 'status' && f.text === 'No hay más resultados.', `after the last page focus is on ${JSON.stringify(f)}, want the list's end "No hay más resultados."`);
  expect((await rows.count()) === all, `the list shows ${await rows.count()} rows at its end, want ${all}`);
  const last = all - 2 * size;
  const lastSaid = last === 1 ? 'Se cargó 1 más.' : `Se cargaron ${last} más.`;
  expect((await said()) === lastSaid, `a screen reader hears "${await said()}" after the last page, want "${lastSaid}"`);
  expect((await p.getByRole('button', { name: 'Cargar más' }).count()) === 0, '"Cargar más" is still offered at the end of the list');
  await shot(p, '40-list-end-focus');
  const a11y = await axeScan(p, 'the stakeholders at the list\'s end');
  expect(a11y.length === 0, `axe:\n      ${a11y.join('\n      ')}`);
  // Shift+Tab goes back up into the rows just loaded.
  await p.keyboard.press('Shift+Tab');
  f = await focused();
  const lastName = (await rows.last().getByRole('link').innerText()).trim();
  expect(f.tag === 'A' && f.text === lastName, `Shift+Tab from the list's end is on ${JSON.stringify(f)}, want the last row's link "${lastName}"`);

  // A new filter reloads the list: focus stays in the search box, and the new list says no end.
  const search = p.locator('#sh-q');
  await search.focus();
  await p.keyboard.type('demo');
  await p.waitForFunction(() => new URLSearchParams(location.search).get('q') === 'demo');
  await settled(p);
  await p.waitForFunction(() => !document.querySelector('[data-testid="list-end"]'));
  f = await focused();
  expect(f.tag === 'INPUT' && !f.inMore, `after a new search focus is on ${JSON.stringify(f)}, want the search box`);
  await p.context().close();
});

test('no JavaScript errors in the pages', async () => {
  expect(pageErrors.length === 0, `errors in the browser:\n      ${pageErrors.join('\n      ')}`);
});

test('no failed requests except the deliberate ones', async () => {
  // Wrong password, refresh after sign-out, the viewer's refused write, and the
  // missing mail API when that step is an expected failure.
  const deliberate = (r) =>
    (r.path === '/api/v1/auth/login' && r.status === 401) ||
    (r.path === '/api/v1/auth/refresh' && r.status === 401) ||
    (r.who === 'viewer' && r.method === 'POST' && /^\/api\/v1\/commitments\/[0-9a-f]{24}\/status$/.test(r.path) && r.status === 403) ||
    (r.method === 'PATCH' && r.path === '/api/v1/me' && r.status === 422) || // a digest without a mail server
    r.deliberate ||
    (S.mailApi === 404 && r.status === 404 && /^\/api\/v1\/(messages|mailboxes|threads)/.test(r.path));
  const bad = badResponses.filter((r) => !deliberate(r));
  expect(bad.length === 0, `unexpected answers:\n      ${bad.map((r) => `${r.who}: ${r.method} ${r.path} -> ${r.status}`).join('\n      ')}`);
});

// ---- run ------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
const xfailed = [];
const started = Date.now();
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.HEADED !== '1',
    // Playwright gives every launch a fresh temporary profile (--user-data-dir).
    args: ['--lang=es-PE', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
} catch (e) {
  console.error(`could not start Chromium at ${CHROMIUM}: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`Chromium ${browser.version()} against ${BASE}`);
// E2E_ONLY=regex runs only the matching steps (for working on one of them).
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;
for (const t of tests.filter((x) => !only || only.test(x.name))) {
  const t0 = Date.now();
  try {
    await t.fn();
    passed++;
    console.log(`ok    ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    if (e instanceof ExpectedFailure) {
      xfailed.push(`${t.name}: ${e.message}`);
      console.log(`XFAIL ${t.name} (${Date.now() - t0} ms)\n      EXPECTED FAILURE: ${e.message}`);
      continue;
    }
    failed++;
    console.log(`FAIL  ${t.name} (${Date.now() - t0} ms)\n      ${String(e.message ?? e).split('\n').slice(0, 12).join('\n      ')}`);
    const p = page && !page.isClosed() ? page : null;
    if (p) await p.screenshot({ path: join(SHOTS, `FAIL-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`), fullPage: true }).catch(() => {});
  }
}
for (const c of contexts) await c.close().catch(() => {});
await browser.close();

perf.tests = { passed, failed, expected_failures: xfailed, seconds: Math.round((Date.now() - started) / 1000) };
writeFileSync(join(SHOTS, 'perf.json'), JSON.stringify(perf, null, 2) + '\n');
console.log('');
if (perf.initial) console.log(`initial JS+CSS gzipped: ${perf.initial.gzip_total} B (${(perf.initial.gzip_total / 1024).toFixed(1)} KB, target < 80 KB); compressed by the server: ${perf.initial.all_compressed ? 'yes' : 'NO'}`);
if (perf.slow3g) console.log(`slow 3G: sign-in screen ${perf.slow3g.sign_in_screen_ms} ms (target < ${TARGET_SIGN_IN_MS} ms), home after sign-in ${perf.slow3g.home_after_sign_in_click_ms} ms, home on reload ${perf.slow3g.home_on_reload_signed_in_ms} ms`);
console.log(`measurements: ${join(SHOTS, 'perf.json')}`);
if (xfailed.length) {
  console.log(`!!! ${xfailed.length} EXPECTED FAILURE(S), not counted as passed:`);
  for (const x of xfailed) console.log(`!!!   ${x}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
