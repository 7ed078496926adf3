// The reference dashboard in a real browser: Debian's Chromium driven by playwright-core (no browser
// download), against a real server on a temporary store. It registers its own sources and incident,
// then checks what an analyst sees: ranges with unknown shown as unknown, a live change without a
// reload, a retracted figure coming back when the knowledge-time slider goes back before the
// retraction, and a tally's claims with their publisher and quote. Screenshots go to test/artifacts/.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { removeDir, RunningLedger, startLedger } from './support/ledger';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, 'artifacts');
/** Reads until the check passes (the page updates on its own), failing with the last check's error after `timeout` ms. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      check(await read());
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true, animations: 'disabled' });

jest.setTimeout(45_000);

const suffix = randomUUID().slice(0, 8);
const WIRE = `harbour-wire-${suffix}`;
const RADIO = `velna-radio-${suffix}`;
const INCIDENT = `velna-${suffix}`;

const casualties = (source: string, quote: string, category: string, group: string, figure: Record<string, unknown>, occurredAt: string, reportedAt: string) => ({
  id: randomUUID(),
  type: 'CasualtiesReported',
  occurredAt,
  reportedAt,
  source: { sourceId: source, quote, attributedTo: 'health officials' },
  data: { category, group, figure },
});

const killedCivilians = casualties(WIRE, 'At least 12 civilians were killed in the port district', 'killed', 'civilians', { best: 12, qualifier: 'at_least' }, '2024-03-03', '2024-03-04T10:00:00Z');
const killedProtesters = casualties(RADIO, 'Seven protesters were killed near the docks', 'killed', 'protesters', { best: 7, qualifier: 'exact' }, '2024-03-04', '2024-03-05T09:00:00Z');
const retraction = {
  id: randomUUID(),
  type: 'ClaimRetracted',
  occurredAt: '2024-03-07',
  reportedAt: '2024-03-07T12:00:00Z',
  source: { sourceId: RADIO, quote: 'We withdraw our report of seven deaths' },
  data: { eventId: killedProtesters.id, reason: 'could not be confirmed' },
};
const arriving = {
  id: randomUUID(),
  type: 'TroopsDeployed',
  occurredAt: '2024-03-05',
  reportedAt: '2024-03-05T12:00:00Z',
  source: { sourceId: WIRE, quote: 'Norland troops began arriving' },
  data: { contributor: 'Norland', force: 'Harbour stabilisation force', status: 'arriving' },
};
const injured = casualties(WIRE, 'Between 30 and 40 people were injured', 'injured', 'civilians', { low: 30, best: 35, high: 40, qualifier: 'approximately' }, '2024-03-05', '2024-03-06T08:00:00Z');

/** A desktop-sized page that fails fast and reports the page's own errors. */
async function openPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.setDefaultTimeout(5_000);
  page.on('pageerror', (error) => console.error('dashboard page error:', error.message));
  return page;
}

/** Closes the browser and the ledger a describe started, and removes the ledger's data. */
async function closeAll(browser: Browser | undefined, ledger: RunningLedger | undefined): Promise<void> {
  await browser?.close();
  if (ledger) {
    await ledger.stop();
    removeDir(ledger.dataDir);
  }
}

describe('reference dashboard (headless Chromium)', () => {
  let ledger: RunningLedger;
  let browser: Browser;
  let page: Page;
  const tally = (key: string): Locator => page.locator(`[data-testid="tally"][data-key="${key}"]`);
  const rangeOf = (key: string): Locator => tally(key).locator('[data-testid="range"]');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The dashboard's browser test needs Chromium at ${CHROMIUM}, and it is not there. ` +
          'Install it with "apt-get install -y --no-install-recommends chromium" (.ci/run does this), or point CHROMIUM_PATH at one.',
      );
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    [ledger, browser] = await Promise.all([
      startLedger(),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
    const registered = await Promise.all([
      ledger.call('POST', '/sources', { id: WIRE, publisher: 'Harbour Wire', title: 'Clashes in the port district', publishedAt: '2024-03-04T08:00:00Z', url: 'https://example.org/harbour-wire' }),
      ledger.call('POST', '/sources', { id: RADIO, publisher: 'Velna Radio', title: 'Evening bulletin', publishedAt: '2024-03-05T08:00:00Z' }),
      ledger.call('POST', '/incidents', { id: INCIDENT, title: 'Dock strike in Port Velna', region: 'Port Velna', timeZone: 'UTC' }),
      ledger.call('POST', '/incidents', { id: `other-${suffix}`, title: 'Another incident', timeZone: 'UTC' }),
    ]);
    for (const r of registered) expect(r.status).toBe(201);
    const appended = await ledger.call('POST', `/incidents/${INCIDENT}/events`, { events: [killedCivilians, killedProtesters, arriving, retraction] });
    expect(appended.status).toBe(201);
    page = await openPage(browser);
  });

  afterAll(() => closeAll(browser, ledger));

  it('serves the page at / with revalidation headers, and leaves the API routes as they were', async () => {
    const res = await fetch(`${ledger.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('etag')).toBeTruthy();
    expect(res.headers.get('last-modified')).toBeTruthy();
    // node:http, since fetch turns a conditional request into one with Cache-Control: no-cache.
    const revalidated = await new Promise<number | undefined>((resolve, reject) =>
      get(`${ledger.url}/`, { headers: { 'if-none-match': res.headers.get('etag')! } }, (answer) => {
        answer.resume();
        resolve(answer.statusCode);
      }).on('error', reject),
    );
    expect(revalidated).toBe(304);
    const script = await fetch(`${ledger.url}/dashboard.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await ledger.call('GET', '/health')).status).toBe(200);
    expect((await ledger.call('GET', '/incidents')).json.incidents).toHaveLength(2);
  });

  it('shows the casualty ranges of the picked incident, with unknown shown as unknown and never as 0', async () => {
    await page.goto(`${ledger.url}/`);
    await page.waitForSelector('body[data-ready]');
    await page.selectOption('[data-testid="incident-select"]', INCIDENT);
    await eventually(() => rangeOf('killed|civilians|nationwide').textContent(), (v) => expect(v).toMatch(/^≥ 12/));
    // Every claim about the protesters was retracted: the tally is there, and unknown, not 0.
    await eventually(() => rangeOf('killed|protesters|nationwide').textContent(), (v) => expect(v).toBe('unknown'));
    // A contingent arriving with no strength reported: unknown too, and the total is not 0.
    await eventually(() => page.locator('[data-testid="troop-total"] [data-testid="range"]').textContent(), (v) => expect(v).toBe('unknown'));
    expect(await page.locator('[data-testid="casualties"]').textContent()).not.toMatch(/(^|[^\d,])0([^\d,]|$)/);
    expect(await page.locator('[data-testid="banner"]').textContent()).toContain('Live: following the log as it is written');
    await shot(page, 'live');
  });

  it('changes without a reload when an event is appended through the API (live streams)', async () => {
    await eventually(() => page.locator('[data-testid="live-indicator"]').getAttribute('data-state'), (v) => expect(v).toBe('live'), 10_000);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const appended = await ledger.call('POST', `/incidents/${INCIDENT}/events`, injured);
    expect(appended.status).toBe(201);
    await eventually(() => rangeOf('injured|civilians|nationwide').textContent(), (v) => expect(v).toMatch(/^30 – 40/), 5_000);
    await eventually(() => page.locator(`[data-testid="timeline-entry"][data-event="${injured.id}"]`).count(), (v) => expect(v).toBe(1));
    await eventually(() => page.locator('[data-testid="position"]').textContent(), (v) => expect(v).toBe(`position ${appended.json.position}`));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot(page, 'after-append');
  });

  it('brings a retracted figure back when the knowledge-time slider goes to a day before the retraction', async () => {
    const slider = page.locator('[data-testid="knownAt-slider"]');
    await slider.focus();
    // The clocks run from the first event day (3 March) to the last (7 March, the retraction), then "now".
    await slider.press('ArrowLeft'); // 7 March: the retraction is known
    await eventually(() => page.locator('[data-testid="knownAt-value"]').textContent(), (v) => expect(v).toBe('7 March 2024'));
    await eventually(() => rangeOf('killed|protesters|nationwide').textContent(), (v) => expect(v).toBe('unknown'));
    await slider.press('ArrowLeft'); // 6 March: it is not yet
    await eventually(() => page.locator('[data-testid="knownAt-value"]').textContent(), (v) => expect(v).toBe('6 March 2024'));
    await eventually(() => page.locator('[data-testid="banner"]').textContent(), (v) => expect(v).toContain('Showing every event, as it was known on 6 March 2024'));
    await eventually(() => rangeOf('killed|protesters|nationwide').textContent(), (v) => expect(v).toMatch(/^7/));
    expect(await page.locator('[data-testid="live-indicator"]').getAttribute('data-state')).toBe('paused');
    await shot(page, 'known-at-6-march');
  });

  it('shows a tally\'s claims with their source publisher and quote on click', async () => {
    await tally('killed|protesters|nationwide').click();
    const panel = page.locator('[data-testid="claims-panel"]');
    await eventually(() => panel.isVisible(), (v) => expect(v).toBe(true));
    const claim = panel.locator(`[data-testid="claim"][data-event="${killedProtesters.id}"]`);
    await eventually(() => claim.locator('[data-testid="quote"]').textContent(), (v) => expect(v).toBe('Seven protesters were killed near the docks'));
    await eventually(() => claim.locator('[data-testid="publisher"]').textContent(), (v) => expect(v).toBe('Velna Radio'));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-claims.png'), animations: 'disabled' });

    // Back to now on both clocks: live again, the figure retracted again, listed as left out with its reason.
    await page.getByRole('button', { name: 'Back to live' }).click();
    await eventually(() => page.locator('[data-testid="live-indicator"]').getAttribute('data-state'), (v) => expect(v).toBe('live'), 10_000);
    await eventually(() => rangeOf('killed|protesters|nationwide').textContent(), (v) => expect(v).toBe('unknown'));
    await eventually(() => panel.locator(`[data-testid="excluded"][data-event="${killedProtesters.id}"]`).textContent(), (v) => expect(v).toContain('retracted'));

    await tally('killed|civilians|nationwide').click();
    const civilians = panel.locator(`[data-testid="claim"][data-event="${killedCivilians.id}"]`);
    await eventually(() => civilians.locator('[data-testid="quote"]').textContent(), (v) => expect(v).toBe('At least 12 civilians were killed in the port district'));
    await eventually(() => civilians.locator('[data-testid="publisher"]').textContent(), (v) => expect(v).toBe('Harbour Wire'));
  });
});

describe('reference dashboard on a server with API keys (headless Chromium)', () => {
  const READER = `reader-${randomUUID()}`;
  const ADMIN = `admin-${randomUUID()}`;
  const admin = { authorization: `Bearer ${ADMIN}` };
  const incident = `keyed-${suffix}`;
  let ledger: RunningLedger;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`The dashboard's browser test needs Chromium at ${CHROMIUM}`);
    [ledger, browser] = await Promise.all([
      startLedger({ env: { API_KEYS: `${READER}:reader,${ADMIN}:admin` } }),
      chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] }),
    ]);
    for (const r of await Promise.all([
      ledger.call('POST', '/sources', { id: WIRE, publisher: 'Harbour Wire', title: 'Clashes in the port district', publishedAt: '2024-03-04T08:00:00Z' }, admin),
      ledger.call('POST', '/sources', { id: RADIO, publisher: 'Velna Radio', title: 'Evening bulletin', publishedAt: '2024-03-05T08:00:00Z' }, admin),
      ledger.call('POST', '/incidents', { id: incident, title: 'Dock strike, keyed', timeZone: 'UTC' }, admin),
    ])) expect(r.status).toBe(201);
    expect((await ledger.call('POST', `/incidents/${incident}/events`, { events: [killedCivilians, killedProtesters, arriving, retraction] }, admin)).status).toBe(201);
    page = await openPage(browser);
  });

  afterAll(() => closeAll(browser, ledger));

  it('serves its files without a key, asks for a key on the first 401, and refuses a wrong one', async () => {
    expect((await fetch(`${ledger.url}/`)).status).toBe(200);
    expect((await fetch(`${ledger.url}/dashboard.js`)).status).toBe(200);
    expect((await ledger.call('GET', '/incidents')).status).toBe(401);
    await page.goto(`${ledger.url}/`);
    const form = page.locator('[data-testid="key-form"]');
    await eventually(() => form.isVisible(), (v) => expect(v).toBe(true));
    await page.fill('[data-testid="api-key"]', 'not-a-key');
    await page.click('[data-testid="api-key-submit"]');
    await eventually(() => page.locator('#key-message').textContent(), (v) => expect(v).toContain('refused'));
    expect(await page.locator('[data-testid="banner"]').textContent()).toContain('This server wants an API key');
    expect(await form.isVisible()).toBe(true);
    expect(await page.locator('body[data-ready]').count()).toBe(0);
    await shot(page, 'key-form');
  });

  it('with a reader key: lists, shows and follows live (through a stream token), and keeps the key for the tab', async () => {
    await page.fill('[data-testid="api-key"]', READER);
    await page.click('[data-testid="api-key-submit"]');
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('[data-testid="key-form"]').isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem('crisis-ledger.apiKey'))).toBe(READER);
    await page.selectOption('[data-testid="incident-select"]', incident);
    await eventually(() => rangeOf('killed|civilians|nationwide').textContent(), (v) => expect(v).toMatch(/^≥ 12/));
    await eventually(() => page.locator('[data-testid="live-indicator"]').getAttribute('data-state'), (v) => expect(v).toBe('live'), 10_000);
    const appended = await ledger.call('POST', `/incidents/${incident}/events`, injured, admin);
    expect(appended.status).toBe(201);
    await eventually(() => rangeOf('injured|civilians|nationwide').textContent(), (v) => expect(v).toMatch(/^30 – 40/), 5_000);
    await shot(page, 'with-key');
    // A reload in the same tab: the key is still there, no form.
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    expect(await page.locator('[data-testid="key-form"]').isVisible()).toBe(false);
  });

  function rangeOf(key: string): Locator {
    return page.locator(`[data-testid="tally"][data-key="${key}"]`).locator('[data-testid="range"]');
  }
});
