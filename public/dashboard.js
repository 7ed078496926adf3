// Crisis ledger reference dashboard: plain ES module, no build step, no dependency, same-origin API only.
//
// Live mode: one EventSource per projection (`/incidents/:id/<projection>/live`), each message the whole
// projection exactly as the plain GET answers it. Time travel: when either clock is set, the streams are
// closed and every projection is asked again with `?asOf=<day>&knownAt=<day>`; both clocks back at "now"
// reopen the streams.
//
// Access: when the server answers 401, a small form asks for an API key, kept in sessionStorage (this
// tab only) and sent as `Authorization: Bearer <key>`. EventSource cannot send headers, so each stream
// opens with a short-lived token from `POST /auth/stream-token` as `?token=`. With no key (a server in
// open local mode) nothing of this shows.

const PROJECTIONS = ['troop-presence', 'casualties', 'situation', 'timeline'];
const TIMELINE_CAP = 500;

const state = {
  incidents: [],
  incident: null, // { id, title, timeZone, ... }
  data: {}, // projection -> last answer shown
  days: [], // YYYY-MM-DD, in the incident's time zone, from its first event day to its last (at most today)
  counts: { asOf: new Map(), knownAt: new Map() }, // day -> events that happened / were reported that day
  asOf: null, // a day, or null for now
  knownAt: null,
  streams: {}, // projection -> { es, status, retry, timer }
  generation: 0, // bumped on every incident or mode switch; late answers of an older one are dropped
  request: 0,
  selected: null, // what the claims drawer shows
  seenEvents: null, // timeline event ids already shown (to mark new ones)
  error: null,
};

// ---------- small helpers ----------

const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or text (never parsed as HTML). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.setAttribute('style', v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const NUMBER = new Intl.NumberFormat('en-US');
const num = (n) => NUMBER.format(n);
const human = (s) => (s ? String(s).replace(/_/g, ' ') : '');
const capital = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : '');

// ---------- access: the API key, and stream tokens for EventSource ----------

const KEY_ITEM = 'crisis-ledger.apiKey';
const access = {
  key: sessionStorage.getItem(KEY_ITEM),
  asking: null, // the pending promise of the key form, shared by every request that got a 401
  token: null, // { token, expires (ms) } shared by the streams
  tokenRequest: null,
};

/** Shows the key form and resolves with the key typed in. */
function askForKey(message) {
  if (access.asking) return access.asking;
  const form = $('key-form');
  $('key-message').textContent = message;
  form.hidden = false;
  $('api-key').value = '';
  $('api-key').focus();
  access.asking = new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      const key = $('api-key').value.trim();
      if (!key) return;
      form.hidden = true;
      form.onsubmit = null;
      access.asking = null;
      access.key = key;
      access.token = null;
      sessionStorage.setItem(KEY_ITEM, key);
      drawBanner();
      resolve(key);
    };
  });
  drawBanner();
  return access.asking;
}

/** fetch with the key as Bearer; a 401 asks for a key (again) and tries once more with it. */
async function authFetch(path, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const keyUsed = access.key;
    const headers = { ...(init.headers ?? {}) };
    if (keyUsed) headers.authorization = `Bearer ${keyUsed}`;
    const res = await fetch(path, { ...init, headers });
    if (res.status !== 401 || attempt >= 3) return res;
    // Another request may have got a new key in the meantime: then just try that one.
    if (access.key !== keyUsed && access.key) continue;
    access.key = null;
    access.token = null;
    sessionStorage.removeItem(KEY_ITEM);
    await askForKey(keyUsed ? 'That key was refused; another API key' : 'This server wants an API key');
  }
}

/** A live route's URL: as it is with no key (open mode), with a stream token once a key is in use. */
async function streamUrl(path) {
  if (!access.key) return path;
  if (!access.token || access.token.expires - Date.now() < 30_000) {
    access.tokenRequest ??= authFetch('/auth/stream-token', { method: 'POST', headers: { accept: 'application/json' } })
      .then(async (res) => {
        if (!res.ok) throw new Error(`stream token: ${res.status} ${res.statusText}`);
        const { token, expiresAt } = await res.json();
        access.token = { token, expires: Date.parse(expiresAt) };
      })
      .finally(() => (access.tokenRequest = null));
    await access.tokenRequest;
  }
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(access.token.token)}`;
}

async function getJson(path) {
  const res = await authFetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = (await res.json()).message ?? message;
    } catch {}
    throw new Error(`${path}: ${message}`);
  }
  return res.json();
}

const incidentPath = (p) => `/incidents/${encodeURIComponent(state.incident.id)}/${p}`;

// ---------- days in the incident's time zone ----------

const dayFormatters = new Map();
/** The calendar day (YYYY-MM-DD) of an instant in a time zone. */
function dayOf(iso, timeZone) {
  if (!iso) return null;
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
const dayToDate = (day) => new Date(`${day}T00:00:00Z`);
const nextDay = (day) => new Date(dayToDate(day).getTime() + 86_400_000).toISOString().slice(0, 10);
const LONG_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const SHORT_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
const MEDIUM_DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
const longDay = (day) => LONG_DAY.format(dayToDate(day));
const shortDay = (day) => SHORT_DAY.format(dayToDate(day));

/** A date as the reporter gave it: a plain date stays a date; a date-time is shown in the incident's zone. */
function when(asReported, instant) {
  const value = asReported ?? instant;
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return MEDIUM_DAY.format(dayToDate(value));
  if (/^\d{4}-\d{2}$/.test(value)) return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(dayToDate(`${value}-01`));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: state.incident?.timeZone ?? 'UTC', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit',
  }).format(date);
}

// ---------- ranges: low to high, best marked, open-ended as such, unknown never 0 ----------

const isUnknown = (s) => !s || (s.low == null && s.best == null && s.high == null);

/** The words for a range: "unknown", "26", "12 – 18", "≥ 5,800", "12 – 18+". */
function rangeWords(s) {
  if (isUnknown(s)) return 'unknown';
  const low = s.low ?? null;
  const high = s.high ?? null;
  if (s.openEnded) {
    if (low == null) return high == null ? 'unknown' : `unknown – ${num(high)}+`;
    if (high == null || high <= low) return `≥ ${num(low)}`;
    return `${num(low)} – ${num(high)}+`;
  }
  if (low == null && high == null) return num(s.best);
  if (low == null) return `≤ ${num(high)}`;
  if (high == null) return `${num(low)} – unknown`;
  return low === high ? num(low) : `${num(low)} – ${num(high)}`;
}

function rangeText(s, { withBest = true } = {}) {
  if (isUnknown(s)) return h('span', { class: 'range-text unknown', 'data-testid': 'range', title: 'No counted claim gives a figure: unknown, not zero' }, 'unknown');
  const words = rangeWords(s);
  const showBest = withBest && s.best != null && words !== num(s.best);
  return h('span', { class: 'range-text', 'data-testid': 'range' },
    words,
    withBest ? h('span', { class: 'best', 'data-testid': 'best' }, s.best == null ? 'best unknown' : showBest ? `◆ best ${num(s.best)}` : '◆ best') : null);
}

/** A bar from low to high on the row's own scale, the best as a diamond, a fading end when open-ended. */
function rangeBar(s) {
  if (isUnknown(s)) return h('div', { class: 'bar unknown', title: 'unknown' });
  const values = [s.low, s.best, s.high].filter((v) => v != null);
  const top = Math.max(...values, 1) * (s.openEnded || s.high == null ? 1.35 : 1.08);
  const pct = (v) => `${Math.max(0, Math.min(100, (v / top) * 100)).toFixed(2)}%`;
  const low = s.low ?? 0;
  const open = s.openEnded || s.high == null;
  const high = open ? top : s.high;
  const width = Math.max(((high - low) / top) * 100, 1.2);
  return h('div', { class: 'bar', title: rangeWords(s) + (s.best != null ? `, best ${num(s.best)}` : '') },
    h('span', { class: `span${open ? ' open' : ''}`, style: `left:${pct(low)};width:${width.toFixed(2)}%` }),
    s.best != null ? h('span', { class: 'best-mark', style: `left:${pct(s.best)}` }) : null);
}

// ---------- sources and events, fetched once ----------

const sources = new Map();
const sourceOf = (id) => {
  if (!sources.has(id)) sources.set(id, getJson(`/sources/${encodeURIComponent(id)}`).catch(() => null));
  return sources.get(id);
};
const events = new Map();
const eventOf = (id) => {
  if (!events.has(id)) events.set(id, getJson(`/events/${encodeURIComponent(id)}`).catch(() => null));
  return events.get(id);
};

// ---------- the clocks ----------

const travelling = () => state.asOf !== null || state.knownAt !== null;

function setDays(entries) {
  const tz = state.incident.timeZone ?? 'UTC';
  const asOf = new Map();
  const knownAt = new Map();
  let first = null;
  let last = null;
  for (const e of entries) {
    const happened = dayOf(e.occurredAt, tz);
    const reported = dayOf(e.reportedAt, tz);
    if (happened) asOf.set(happened, (asOf.get(happened) ?? 0) + 1);
    if (reported) knownAt.set(reported, (knownAt.get(reported) ?? 0) + 1);
    for (const d of [happened, reported]) {
      if (!d) continue;
      if (first === null || d < first) first = d;
      if (last === null || d > last) last = d;
    }
  }
  const today = dayOf(new Date().toISOString(), tz);
  if (first === null) first = last = today;
  if (last > today) last = today < first ? first : today;
  const days = [];
  for (let d = first; d <= last && days.length < 3660; d = nextDay(d)) days.push(d);
  const changed = days.length !== state.days.length || days[0] !== state.days[0];
  state.days = days;
  state.counts = { asOf, knownAt };
  drawClocks(changed);
}

const sliderIndex = (day) => {
  if (day === null) return state.days.length;
  const i = state.days.indexOf(day);
  if (i >= 0) return i;
  return day < state.days[0] ? 0 : state.days.length - 1;
};

function drawClocks(rescale = true) {
  for (const clock of ['knownAt', 'asOf']) {
    const input = $(clock);
    const n = state.days.length;
    input.max = String(n);
    input.disabled = !state.incident || n === 0;
    input.value = String(sliderIndex(state[clock]));
    input.style.setProperty('--fill', `${n === 0 ? 100 : (Number(input.value) / n) * 100}%`);
    input.setAttribute('aria-valuetext', state[clock] === null ? 'now' : longDay(state[clock]));
    const out = $(`${clock}-value`);
    out.textContent = state[clock] === null ? 'now' : longDay(state[clock]);
    out.classList.toggle('set', state[clock] !== null);
    drawHistogram(clock, rescale);
  }
  drawBanner();
}

function drawHistogram(clock, rescale) {
  const hist = $(`${clock}-hist`);
  const scale = $(`${clock}-scale`);
  const n = state.days.length;
  const counts = state.counts[clock];
  const max = Math.max(1, ...counts.values());
  const selected = sliderIndex(state[clock]);
  if (rescale || hist.childElementCount !== n) {
    hist.replaceChildren(...state.days.map((day, i) => {
      const c = counts.get(day) ?? 0;
      return h('i', {
        style: `left:${((i / n) * 100).toFixed(3)}%;width:clamp(2px, ${(55 / Math.max(n, 1)).toFixed(3)}%, 22px);height:${c ? Math.max(8, (c / max) * 100) : 0}%`,
        title: `${longDay(day)}: ${c} event${c === 1 ? '' : 's'} ${clock === 'asOf' ? 'happened' : 'reported'}`,
      });
    }));
    const labels = [];
    if (n > 0) labels.push(h('span', { style: 'left:0' }, shortDay(state.days[0])));
    if (n > 2) {
      const mid = Math.floor(n / 2);
      labels.push(h('span', { style: `left:${((mid / n) * 100).toFixed(3)}%` }, shortDay(state.days[mid])));
    }
    const roomy = hist.clientWidth === 0 || hist.clientWidth / n >= 56; // the last day's label clear of "now"
    if (n > 1 && roomy) labels.push(h('span', { class: 'last-day', style: `left:${(((n - 1) / n) * 100).toFixed(3)}%` }, shortDay(state.days[n - 1])));
    labels.push(h('span', { style: 'left:100%' }, 'now'));
    scale.replaceChildren(...labels);
  }
  [...hist.children].forEach((bar, i) => bar.classList.toggle('in', i <= selected));
}

function drawBanner() {
  const banner = $('banner');
  const text = $('banner-text');
  $('back-to-live').hidden = !travelling();
  if (state.error) {
    banner.dataset.mode = 'error';
    text.textContent = state.error;
    return;
  }
  if (access.asking && !state.incident) {
    banner.dataset.mode = 'idle';
    text.textContent = 'This server wants an API key: enter it in the top bar (a reader key is enough).';
    return;
  }
  if (!state.incident) {
    banner.dataset.mode = 'idle';
    text.textContent = state.incidents.length ? 'Pick an incident.' : 'No incident is registered yet.';
    return;
  }
  banner.dataset.mode = travelling() ? 'travel' : 'live';
  const { asOf, knownAt } = state;
  if (!travelling()) text.textContent = 'Live: following the log as it is written';
  else if (asOf && knownAt) text.textContent = `Showing events up to ${longDay(asOf)}, as they were known on ${longDay(knownAt)}`;
  else if (asOf) text.textContent = `Showing events up to ${longDay(asOf)}, as they are known now`;
  else text.textContent = `Showing every event, as it was known on ${longDay(knownAt)}`;
}

let travelTimer = null;
/** Sets one or both clocks (a day, or null for now): time travel while either is set, live when both are now. */
function setClocks(changes) {
  const wasTravelling = travelling();
  Object.assign(state, changes);
  drawClocks(false);
  writeHash();
  clearTimeout(travelTimer);
  if (travelling()) {
    if (!wasTravelling) stopStreams();
    state.request++;
    setIndicator();
    travelTimer = setTimeout(travel, 120);
  } else if (wasTravelling) {
    goLive();
  }
}
const setClock = (clock, day) => setClocks({ [clock]: day });

function onSlide(clock) {
  const input = $(clock);
  const i = Number(input.value);
  setClock(clock, i >= state.days.length ? null : state.days[i]);
}

// ---------- fetching and streaming ----------

function stopStreams() {
  state.generation++;
  for (const s of Object.values(state.streams)) {
    s.es?.close();
    clearTimeout(s.timer);
  }
  state.streams = {};
}

async function travel() {
  if (!state.incident || !travelling()) return;
  const ask = ++state.request;
  const query = new URLSearchParams();
  if (state.asOf) query.set('asOf', state.asOf);
  if (state.knownAt) query.set('knownAt', state.knownAt);
  document.body.dataset.loading = 'true';
  try {
    const answers = await Promise.all(PROJECTIONS.map((p) => getJson(`${incidentPath(p)}?${query}`)));
    if (ask !== state.request || !travelling()) return;
    state.error = null;
    PROJECTIONS.forEach((p, i) => show(p, answers[i], { quiet: true }));
    document.body.dataset.shown = `${state.asOf ?? 'now'}|${state.knownAt ?? 'now'}`;
  } catch (error) {
    if (ask === state.request) state.error = `Could not load: ${error.message}`;
  } finally {
    if (ask === state.request) delete document.body.dataset.loading;
    drawBanner();
  }
}

function goLive() {
  stopStreams();
  state.request++;
  document.body.dataset.shown = 'live';
  state.seenEvents = null;
  const generation = state.generation;
  for (const p of PROJECTIONS) openStream(p, generation);
  setIndicator();
}

async function openStream(p, generation) {
  if (generation !== state.generation || !state.incident || travelling()) return;
  const s = state.streams[p] ?? (state.streams[p] = { retry: 0, status: 'connecting', position: -1 });
  s.es?.close();
  s.es = null;
  let url;
  try {
    url = await streamUrl(incidentPath(`${p}/live`));
  } catch {
    // No token (a key without the reader role, or the server is down): try again later.
    if (generation !== state.generation) return;
    s.status = 'offline';
    setIndicator();
    clearTimeout(s.timer);
    s.timer = setTimeout(() => openStream(p, generation), Math.min(15_000, 1000 * 2 ** s.retry++));
    return;
  }
  if (generation !== state.generation || !state.incident || travelling() || s.es) return;
  const es = new EventSource(url);
  s.es = es;
  s.status = s.opened ? 'reconnecting' : 'connecting';
  const current = () => generation === state.generation && s.es === es;
  const onMessage = (event) => {
    if (!current()) return;
    let answer;
    try {
      answer = JSON.parse(event.data);
    } catch {
      return;
    }
    // Never step back: a message older than what is shown is a replay we already have.
    if (typeof answer.position === 'number' && answer.position < s.position) return;
    s.position = answer.position ?? s.position;
    s.retry = 0;
    s.status = 'open';
    setIndicator();
    show(p, answer, { quiet: event.type === 'snapshot' });
  };
  es.addEventListener('snapshot', onMessage);
  es.addEventListener('update', onMessage);
  const reopen = (delay) => () => {
    if (!current()) return;
    es.close();
    s.status = 'reconnecting';
    setIndicator();
    clearTimeout(s.timer);
    s.timer = setTimeout(() => openStream(p, generation), delay);
  };
  es.addEventListener('overflow', reopen(300));
  es.addEventListener('shutdown', reopen(1500));
  es.onopen = () => {
    if (!current()) return;
    s.opened = true;
    s.status = 'open';
    setIndicator();
  };
  es.onerror = () => {
    if (!current()) return;
    if (es.readyState === EventSource.CLOSED) {
      // Refused (not a stream, or an HTTP error): show the plain answer, and try the stream again later.
      s.status = 'offline';
      setIndicator();
      getJson(incidentPath(p))
        .then((answer) => current() && (answer.position ?? -1) >= s.position && (s.position = answer.position, show(p, answer)))
        .catch(() => {});
      const delay = Math.min(15_000, 1000 * 2 ** s.retry++);
      clearTimeout(s.timer);
      s.timer = setTimeout(() => openStream(p, generation), delay);
    } else {
      s.status = 'reconnecting';
      setIndicator();
    }
  };
}

function setIndicator() {
  const el = $('live');
  let mode;
  let label;
  if (!state.incident) [mode, label] = ['idle', 'Idle'];
  else if (travelling()) [mode, label] = ['paused', 'Time travel · stream paused'];
  else {
    const statuses = PROJECTIONS.map((p) => state.streams[p]?.status ?? 'connecting');
    if (statuses.every((x) => x === 'open')) [mode, label] = ['live', 'Live'];
    else if (statuses.includes('offline')) [mode, label] = ['offline', 'Offline · retrying'];
    else if (statuses.includes('reconnecting')) [mode, label] = ['reconnecting', 'Reconnecting…'];
    else [mode, label] = ['connecting', 'Connecting…'];
  }
  el.dataset.state = mode;
  $('live-label').textContent = label;
  const positions = PROJECTIONS.map((p) => state.data[p]?.position).filter((x) => typeof x === 'number');
  $('live-pos').textContent = positions.length ? `position ${Math.max(...positions)}` : '';
}

// ---------- rendering ----------

const RENDER = {
  casualties: renderCasualties,
  'troop-presence': renderTroops,
  situation: renderSituation,
  timeline: renderTimeline,
};
const CARD = { casualties: 'casualties', 'troop-presence': 'troops', situation: 'situation', timeline: 'timeline' };

function show(p, answer, { quiet = false } = {}) {
  const before = state.data[p];
  state.data[p] = answer;
  const body = $(`${CARD[p]}-body`);
  body.replaceChildren(RENDER[p](answer, { live: !travelling() && !quiet }));
  body.parentElement.dataset.position = String(answer.position ?? '');
  if (p === 'timeline' && !travelling()) setDays(answer.entries ?? []);
  if (!quiet && before) flash(body.parentElement);
  if (state.selected) renderDrawer();
  setIndicator();
}

function flash(card) {
  card.classList.add('flash');
  clearTimeout(card.flashTimer);
  card.flashTimer = setTimeout(() => card.classList.remove('flash'), 900);
}

const empty = (text) => h('p', { class: 'empty' }, text);
const keyOf = (t) => `${t.category}|${t.group}|${t.scope}`;

function renderCasualties(answer) {
  const tallies = answer.tallies ?? [];
  if (!tallies.length) return empty('No casualty figure reported for these clocks.');
  const byCategory = new Map();
  for (const t of tallies) {
    if (!byCategory.has(t.category)) byCategory.set(t.category, []);
    byCategory.get(t.category).push(t);
  }
  const frag = document.createDocumentFragment();
  for (const [category, list] of byCategory) {
    frag.append(h('h3', { class: 'cat-head' }, h('span', { class: `chip ${category}` }, capital(human(category)))));
    for (const t of list) {
      const key = keyOf(t);
      const selected = state.selected?.kind === 'casualty' && state.selected.key === key;
      frag.append(h('button', {
        type: 'button', class: `tally${selected ? ' selected' : ''}`, 'data-testid': 'tally', 'data-key': key,
        'aria-label': `${human(t.category)}, ${human(t.group)}, ${t.scope}: ${rangeWords(t)}. Show claims`,
        onclick: () => openDrawer({ kind: 'casualty', key }),
      },
      h('span', { class: 'tally-key' }, h('strong', {}, capital(human(t.group))), h('small', {}, t.scope === 'nationwide' ? 'nationwide' : `in ${t.scope}`)),
      rangeBar(t),
      rangeText(t)));
    }
  }
  return frag;
}

function strengthCell(summary, selection) {
  return h('button', { type: 'button', class: 'linklike', 'data-testid': 'strength', onclick: () => openDrawer(selection) }, rangeText(summary ?? null));
}

function partyTable(rows, kind) {
  return h('table', {},
    h('thead', {}, h('tr', {}, kind === 'contributor' ? [h('th', {}, 'Contributor'), h('th', {}, 'Force')] : h('th', {}, 'Force'), h('th', {}, 'Status'), h('th', {}, 'Strength'), h('th', {}, 'Arrived'))),
    h('tbody', {}, rows.map((r) => {
      const name = kind === 'contributor' ? r.contributor : r.force;
      return h('tr', { 'data-testid': kind },
        kind === 'contributor' ? [h('td', {}, h('strong', {}, r.contributor)), h('td', {}, r.force ?? '—')] : h('td', {}, h('strong', {}, r.force)),
        h('td', {}, h('span', { class: `chip ${r.status}` }, human(r.status)), r.withdrawnAt ? h('div', { class: 'when' }, `since ${when(r.withdrawnAtAsReported, r.withdrawnAt)}`) : null),
        h('td', {}, strengthCell(r.strength, { kind, name })),
        h('td', { class: 'when' }, r.firstArrivedAt ? when(r.firstArrivedAtAsReported, r.firstArrivedAt) : '—'));
    })));
}

function renderTroops(answer) {
  const frag = document.createDocumentFragment();
  const total = answer.total;
  frag.append(h('div', { class: 'total', 'data-testid': 'troop-total' },
    h('button', { type: 'button', class: 'linklike', style: 'border:0;background:none;padding:0', onclick: () => total && !isUnknown(total) && openDrawer({ kind: 'total' }) }, rangeText(total)),
    h('small', {}, isUnknown(total) ? 'troops present: unknown (not zero)' : `troops present, counted from ${total.from ?? 'contributors'}`)));
  const facts = [];
  for (const r of answer.requests ?? []) facts.push(h('div', {}, `${r.requestedBy} asked ${r.requestedFrom} for help `, h('span', { class: 'when' }, when(r.atAsReported, r.at))));
  for (const a of answer.authorizations ?? []) {
    facts.push(h('div', {}, `${a.authority} authorized a deployment${a.contributors?.length ? ` by ${a.contributors.join(', ')}` : ''} `, h('span', { class: 'when' }, when(a.atAsReported, a.at))));
  }
  if (facts.length) frag.append(h('div', { class: 'facts' }, facts));
  const contributors = answer.contributors ?? [];
  const forces = answer.forces ?? [];
  if (contributors.length) frag.append(h('h3', {}, 'Contributors'), partyTable(contributors, 'contributor'));
  if (forces.length) frag.append(h('h3', {}, 'Whole forces'), partyTable(forces, 'force'));
  if (!contributors.length && !forces.length && !facts.length) frag.append(empty('No troop movement reported for these clocks.'));
  return frag;
}

function renderSituation(answer) {
  const col = (title, items, render) => h('div', {}, h('h3', {}, title), items.length ? h('ul', {}, items.map(render)) : empty('Nothing reported.'));
  return h('div', { class: 'board' },
    col('Measures', answer.measures ?? [], (m) => h('li', {},
      h('strong', {}, capital(human(m.measure))), ' ', h('span', { class: `chip ${m.active ? 'active' : 'lifted'}` }, m.active ? 'in force' : 'lifted'),
      h('span', { class: 'line2' }, [m.scope, m.description, m.since ? `since ${when(m.sinceAsReported, m.since)}` : null].filter(Boolean).join(' · ')))),
    col('Facilities', answer.facilities ?? [], (f) => h('li', {},
      h('strong', {}, f.facility), h('span', { class: 'line2' }, `held by ${f.controlledBy}${f.since ? ` since ${when(f.sinceAsReported, f.since)}` : ''}`))),
    col('Officials', answer.officials ?? [], (o) => h('li', {},
      h('strong', {}, o.person), ' ', h('span', { class: 'chip' }, human(o.status)),
      h('span', { class: 'line2' }, [o.role, o.since ? `since ${when(o.sinceAsReported, o.since)}` : null].filter(Boolean).join(' · ')))),
    col('Government', answer.government ?? [], (g) => h('li', {},
      h('strong', {}, g.body), ' ', h('span', { class: 'chip' }, human(g.change)),
      h('span', { class: 'line2' }, when(g.atAsReported, g.at)))));
}

const TYPE_GROUP = {
  CasualtiesReported: 'casualties', TroopsDeployed: 'troops', TroopsWithdrawn: 'troops', DeploymentAuthorized: 'troops',
  AssistanceRequested: 'troops', ClaimRetracted: 'knowledge', ClaimCorrected: 'knowledge',
};

function renderTimeline(answer, { live }) {
  const entries = answer.entries ?? [];
  if (!entries.length) return empty('No event for these clocks.');
  const seen = state.seenEvents;
  const shown = entries.slice(-TIMELINE_CAP).reverse();
  const list = h('ol', { class: 'tl' }, shown.map((e) => h('li', {
    class: [TYPE_GROUP[e.type] ?? '', e.retracted ? 'retracted' : '', live && seen && !seen.has(e.eventId) ? 'new' : ''].join(' ').trim(),
    'data-testid': 'timeline-entry', 'data-event': e.eventId,
  },
  h('div', { class: 'meta' },
    h('span', { class: 'when' }, when(e.occurredAtAsReported, e.occurredAt)),
    h('span', { class: 'type' }, e.type),
    e.retracted ? h('span', { class: 'chip retracted' }, 'retracted') : null,
    e.corrected ? h('span', { class: 'chip corrected' }, 'corrected') : null),
  h('div', { class: 'summary' }, e.summary ?? ''),
  h('div', { class: 'src', title: `reported ${e.reportedAt ?? ''}` }, [e.attributedTo, e.sourceId, e.reportedAt ? `reported ${when(null, e.reportedAt)}` : null].filter(Boolean).join(' · ')))));
  if (!travelling()) state.seenEvents = new Set(entries.map((e) => e.eventId));
  const frag = document.createDocumentFragment();
  frag.append(list);
  if (entries.length > TIMELINE_CAP) frag.append(empty(`… and ${num(entries.length - TIMELINE_CAP)} earlier entries.`));
  return frag;
}

// ---------- claims drawer ----------

function openDrawer(selection) {
  state.selected = selection;
  renderDrawer();
  $('drawer').hidden = false;
  document.querySelectorAll('.tally').forEach((b) => b.classList.toggle('selected', selection.kind === 'casualty' && b.dataset.key === selection.key));
  $('drawer-close').focus({ preventScroll: true });
}

function closeDrawer() {
  state.selected = null;
  $('drawer').hidden = true;
  document.querySelectorAll('.tally.selected').forEach((b) => b.classList.remove('selected'));
}

/** The claim summary the drawer is about, from the answers shown now (so it follows updates and clocks). */
function selectedSummary() {
  const sel = state.selected;
  if (!sel) return null;
  if (sel.kind === 'casualty') {
    const t = (state.data.casualties?.tallies ?? []).find((x) => keyOf(x) === sel.key);
    const [category, group, scope] = sel.key.split('|');
    return { title: `${capital(human(category))} · ${human(group)} · ${scope}`, summary: t ?? null };
  }
  const troops = state.data['troop-presence'] ?? {};
  if (sel.kind === 'total') return { title: 'Troops present in total', summary: troops.total ?? null, total: true };
  const rows = sel.kind === 'contributor' ? troops.contributors ?? [] : troops.forces ?? [];
  const row = rows.find((r) => (sel.kind === 'contributor' ? r.contributor : r.force) === sel.name);
  return { title: `Troop strength · ${sel.name}`, summary: row?.strength ?? null };
}

const QUALIFIER = { exact: 'exact', approximately: 'approximately', at_least: 'at least', more_than: 'more than', up_to: 'up to' };
const REASON = {
  retracted: 'retracted: withdrawn by a later report',
  superseded: 'superseded: the same voice said something newer',
  outdated: 'outdated: overtaken by a later running total',
};

function figureWords(f) {
  if (!f) return 'no figure';
  if (f.text) return f.text;
  return rangeWords({ low: f.low, best: f.best, high: f.high, openEnded: f.high == null && (f.qualifier === 'at_least' || f.qualifier === 'more_than') });
}

function sourceLine(sourceId, attributedTo) {
  const line = h('div', { class: 'source', 'data-testid': 'claim-source' }, attributedTo ? `— ${attributedTo}, via ` : '— ', h('strong', {}, sourceId));
  sourceOf(sourceId).then((src) => {
    if (!src) return;
    const title = src.url && /^https?:\/\//i.test(src.url)
      ? h('a', { href: src.url, target: '_blank', rel: 'noopener noreferrer' }, `“${src.title}”`)
      : `“${src.title}”`;
    line.replaceChildren(attributedTo ? `— ${attributedTo}, via ` : '— ', h('strong', { 'data-testid': 'publisher' }, src.publisher), ', ', title,
      src.publishedAt ? h('span', { class: 'when' }, ` · published ${when(null, src.publishedAt)}`) : null);
  });
  return line;
}

function renderDrawer() {
  const found = selectedSummary();
  if (!found) return;
  const { title, summary, total } = found;
  $('drawer-title').textContent = title;
  const body = $('drawer-body');
  const parts = [h('div', { class: 'drawer-range' }, rangeBar(summary), rangeText(summary))];
  if (!summary) {
    parts.push(empty('Not in the answer for these clocks: nothing about it had been reported (or had happened) yet.'));
  } else if (total) {
    parts.push(empty(`The total adds up the units present, counted from ${summary.from ?? 'contributors'}; open a contributor or force for its claims.`));
  } else {
    if (isUnknown(summary)) parts.push(empty('Every claim about it has been left out, so the figure is unknown (not zero).'));
    const claims = summary.claims ?? [];
    if (claims.length) parts.push(h('h3', {}, `Counted claims (${claims.length})`));
    for (const c of claims) {
      const isBest = c.eventId === summary.bestFrom;
      parts.push(h('article', { class: `claim${isBest ? ' is-best' : ''}`, 'data-testid': 'claim', 'data-event': c.eventId },
        h('div', { class: 'claim-head' },
          h('span', { class: 'claim-figure' }, figureWords(c.figure)),
          c.figure?.qualifier ? h('span', { class: 'chip' }, QUALIFIER[c.figure.qualifier] ?? human(c.figure.qualifier)) : null,
          isBest ? h('span', { class: 'chip best' }, '◆ best') : null,
          c.correctedBy ? h('span', { class: 'chip corrected', title: `corrected by ${c.correctedBy}` }, 'corrected') : null),
        h('blockquote', { 'data-testid': 'quote' }, c.quote ?? ''),
        sourceLine(c.sourceId, c.attributedTo),
        h('div', { class: 'dates' }, `happened ${when(c.occurredAtAsReported, c.occurredAt)} · reported ${when(null, c.reportedAt)} · log position ${c.position}`)));
    }
    const excluded = summary.excluded ?? [];
    if (excluded.length) parts.push(h('h3', {}, `Left out (${excluded.length})`));
    for (const x of excluded) {
      const quote = h('blockquote', {}, '…');
      const head = h('div', { class: 'claim-head' }, h('span', { class: 'claim-figure' }, '…'), h('span', { class: `chip ${x.reason}` }, x.reason));
      const src = h('div', { class: 'source' });
      parts.push(h('article', { class: 'claim excluded', 'data-testid': 'excluded', 'data-event': x.eventId },
        head, quote, src, h('div', { class: 'reason' }, REASON[x.reason] ?? x.reason, x.by ? ` (by event ${String(x.by).slice(0, 8)}…)` : '')));
      eventOf(x.eventId).then((found) => {
        const ev = found?.event;
        if (!ev) return quote.replaceChildren('(event not found)');
        head.firstChild.textContent = figureWords(ev.data?.figure ?? ev.data?.strength);
        quote.replaceChildren(ev.source?.quote ?? '');
        if (ev.source?.sourceId) src.replaceChildren(sourceLine(ev.source.sourceId, ev.source.attributedTo));
      });
    }
  }
  body.replaceChildren(...parts);
}

// ---------- incidents and the address bar ----------

function readHash() {
  const q = new URLSearchParams(location.hash.slice(1));
  const day = (v) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null);
  return { incident: q.get('incident'), asOf: day(q.get('asOf')), knownAt: day(q.get('knownAt')) };
}

function writeHash() {
  if (!state.incident) return;
  const q = new URLSearchParams({ incident: state.incident.id });
  if (state.knownAt) q.set('knownAt', state.knownAt);
  if (state.asOf) q.set('asOf', state.asOf);
  history.replaceState(null, '', `#${q}`);
}

async function loadIncidents() {
  try {
    const { incidents } = await getJson('/incidents');
    state.incidents = incidents ?? [];
  } catch (error) {
    state.error = `Could not list the incidents: ${error.message}`;
  }
  const select = $('incident');
  const current = state.incident?.id ?? select.value;
  select.replaceChildren(
    h('option', { value: '' }, state.incidents.length ? '— pick an incident —' : 'No incident registered'),
    ...state.incidents.map((i) => h('option', { value: i.id },
      `${i.title}${i.region ? ` · ${i.region}` : ''} (${num(i.eventCount ?? 0)} event${i.eventCount === 1 ? '' : 's'})`)));
  if (current && state.incidents.some((i) => i.id === current)) select.value = current;
  drawBanner();
}

async function selectIncident(id, clocks = { asOf: null, knownAt: null }) {
  stopStreams();
  closeDrawer();
  clearTimeout(travelTimer);
  state.request++;
  state.incident = state.incidents.find((i) => i.id === id) ?? null;
  state.data = {};
  state.days = [];
  state.seenEvents = null;
  state.error = null;
  state.asOf = clocks.asOf;
  state.knownAt = clocks.knownAt;
  for (const card of Object.values(CARD)) $(`${card}-body`).replaceChildren(empty(state.incident ? 'Loading…' : 'No incident selected.'));
  $('incident').value = state.incident?.id ?? '';
  if (!state.incident) {
    history.replaceState(null, '', location.pathname);
    drawClocks();
    setIndicator();
    return;
  }
  writeHash();
  const generation = state.generation;
  try {
    // The clocks' range comes from the whole timeline, whatever the clocks say.
    const timeline = await getJson(incidentPath('timeline'));
    if (generation !== state.generation) return;
    setDays(timeline.entries ?? []);
    if (!travelling()) show('timeline', timeline, { quiet: true });
  } catch (error) {
    state.error = `Could not load the incident: ${error.message}`;
    drawBanner();
  }
  if (generation !== state.generation) return;
  if (travelling()) {
    setIndicator();
    await travel();
  } else goLive();
}

function wire() {
  $('incident').addEventListener('change', (e) => selectIncident(e.target.value));
  $('incident').addEventListener('focus', () => loadIncidents());
  for (const clock of ['knownAt', 'asOf']) {
    $(clock).addEventListener('input', () => onSlide(clock));
  }
  document.querySelectorAll('.clock-buttons button').forEach((b) => b.addEventListener('click', () => {
    const clock = b.dataset.clock;
    if (b.classList.contains('now')) return setClock(clock, null);
    const i = Math.max(0, Math.min(state.days.length, sliderIndex(state[clock]) + Number(b.dataset.step)));
    setClock(clock, i >= state.days.length ? null : state.days[i]);
  }));
  $('back-to-live').addEventListener('click', () => setClocks({ asOf: null, knownAt: null }));
  $('drawer-close').addEventListener('click', closeDrawer);
  document.addEventListener('keydown', (e) => e.key === 'Escape' && !$('drawer').hidden && closeDrawer());
  window.addEventListener('hashchange', () => {
    const wanted = readHash();
    if (wanted.incident !== (state.incident?.id ?? null)) selectIncident(wanted.incident, wanted);
    else if (wanted.asOf !== state.asOf || wanted.knownAt !== state.knownAt) setClocks({ asOf: wanted.asOf, knownAt: wanted.knownAt });
  });
}

async function main() {
  wire();
  drawClocks();
  setIndicator();
  await loadIncidents();
  const wanted = readHash();
  const first = state.incidents.find((i) => i.id === wanted.incident) ?? (state.incidents.length === 1 ? state.incidents[0] : null);
  if (first) await selectIncident(first.id, first.id === wanted.incident ? wanted : undefined);
  document.body.dataset.ready = 'true';
}

main();
