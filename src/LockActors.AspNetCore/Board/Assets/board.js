// The lock board: polls the JSON endpoints beside this page and renders what the lock manager holds,
// who waits, the hottest keys, who waits for whom, and a chart of the longest current wait.
// Every piece of user text (keys, labels, owner paths) is written with textContent, never as HTML.
'use strict';

(() => {
  const pollEveryMs = 1000;
  const chartSpanMs = 5 * 60 * 1000;
  const hotCount = 10;

  const state = {
    prefix: '',
    pageSize: 100,
    after: null,       // the cursor of the page shown; null for the first page
    next: null,        // the cursor of the page after it
    pageNumber: 1,
    samples: [],       // { at, longestMs, waiters } for the chart
    firstSeen: new Map(),
    timer: 0,
  };

  const $ = id => document.getElementById(id);

  // --- helpers ---------------------------------------------------------------------------------

  function cell(text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) td.className = className;
    return td;
  }

  function row(cells, attributes) {
    const tr = document.createElement('tr');
    for (const [name, value] of Object.entries(attributes || {})) tr.setAttribute(name, value);
    cells.forEach(c => tr.appendChild(c));
    return tr;
  }

  function fill(tableId, rows, emptyId) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren(...rows);
    if (emptyId) $(emptyId).hidden = rows.length > 0;
  }

  function duration(ms) {
    if (ms === null || ms === undefined || !isFinite(ms)) return '';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.floor(s % 60)} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
  }

  // How long this page has seen a holding or a wait: the overview reports no grant or queue times,
  // so held-for and waiting-for are lower bounds, shown with "≥".
  function seenFor(id, now, seen) {
    seen.add(id);
    if (!state.firstSeen.has(id)) state.firstSeen.set(id, now);
    return `≥ ${duration(now - state.firstSeen.get(id))}`;
  }

  function pruneSeen(seen) {
    for (const id of state.firstSeen.keys()) if (!seen.has(id)) state.firstSeen.delete(id);
  }

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await response.json(); } catch { /* not JSON: reported below */ }
    if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
    return body;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== '') search.set(name, value);
    }
    const text = search.toString();
    return text ? `?${text}` : '';
  }

  // --- rendering -------------------------------------------------------------------------------

  function renderLocks(list, now, seen) {
    $('manager').textContent = list.manager;
    $('keys-in-use').textContent = String(list.keysInUse);
    state.next = list.next;
    $('next-page').disabled = !list.next;
    $('first-page').disabled = state.after === null;
    $('page-info').textContent = `page ${state.pageNumber}, ${list.keys.length} keys`;

    const held = [];
    const queued = [];
    const owners = new Map();
    const owner = path => {
      if (!owners.has(path)) owners.set(path, { labels: new Set(), holds: [], waits: [] });
      return owners.get(path);
    };

    for (const key of list.keys) {
      for (const h of key.holders) {
        const id = `h|${key.key}|${h.owner}|${h.fencingToken}`;
        held.push(row([
          cell(key.key, 'key'), cell(h.owner, 'owner'), cell(h.label, 'label'), cell(h.mode),
          cell(h.permits, 'num'), cell(h.fencingToken, 'num'), cell(seenFor(id, now, seen), 'num'),
          cell(key.queue.length, 'num'),
        ], { 'data-key': key.key }));
        const o = owner(h.owner);
        if (h.label) o.labels.add(h.label);
        o.holds.push(key.key);
      }
      key.queue.forEach((w, i) => {
        const id = `w|${key.key}|${w.owner}|${w.keys.join('\u0000')}`;
        queued.push(row([
          cell(key.key, 'key'), cell(i + 1, 'num'), cell(w.owner, 'owner'), cell(w.label, 'label'), cell(w.mode),
          cell(w.permits, 'num'), cell(w.priority, 'num'), cell(seenFor(id, now, seen), 'num'),
          cell(w.keys.join(', '), 'keys'),
        ], { 'data-key': key.key }));
        const o = owner(w.owner);
        if (w.label) o.labels.add(w.label);
        o.waits.push(key.key);
      });
    }

    fill('held', held, 'held-empty');
    fill('queues', queued, 'queues-empty');
    fill('owners', [...owners.entries()].map(([path, o]) => row([
      cell(path, 'owner'), cell([...o.labels].join(', '), 'label'), cell(o.holds.join(', '), 'keys'), cell(o.waits.join(', '), 'keys'),
    ])), 'owners-empty');
  }

  function renderHot(hot) {
    fill('hot-waiters', hot.byWaiters.map(k => row([cell(k.key, 'key'), cell(k.waiters, 'num'), cell(duration(k.longestWaitMs), 'num')])), 'hot-empty');
    fill('hot-wait', hot.byLongestWait.map(k => row([cell(k.key, 'key'), cell(duration(k.longestWaitMs), 'num'), cell(k.waiters, 'num')])), 'hot-wait-empty');
  }

  function renderGraph(graph) {
    fill('graph', graph.edges.map(e => row([
      cell(e.waiter, 'owner'), cell(e.waiterLabel, 'label'), cell(e.key, 'key'), cell(e.holder, 'owner'), cell(e.holderLabel, 'label'),
    ])), 'graph-empty');
    $('graph-truncated').hidden = !graph.truncated;
  }

  function renderChart(hot, now) {
    const longestMs = hot.byLongestWait.length ? hot.byLongestWait[0].longestWaitMs : 0;
    const waiters = hot.byWaiters.reduce((sum, k) => sum + k.waiters, 0);
    state.samples.push({ at: now, longestMs, waiters });
    while (state.samples.length && state.samples[0].at < now - chartSpanMs) state.samples.shift();

    const svg = $('chart');
    const ns = 'http://www.w3.org/2000/svg';
    const width = 600, height = 200, pad = 6;
    const maxMs = Math.max(1000, ...state.samples.map(s => s.longestMs));
    const maxWaiters = Math.max(1, ...state.samples.map(s => s.waiters));
    const x = at => width - ((now - at) / chartSpanMs) * width;
    const line = (value, max) => state.samples
      .map(s => `${x(s.at).toFixed(1)},${(height - pad - (value(s) / max) * (height - 2 * pad)).toFixed(1)}`)
      .join(' ');

    const longest = document.createElementNS(ns, 'polyline');
    longest.setAttribute('class', 'longest');
    longest.setAttribute('points', line(s => s.longestMs, maxMs));
    const count = document.createElementNS(ns, 'polyline');
    count.setAttribute('class', 'waiters');
    count.setAttribute('points', line(s => s.waiters, maxWaiters));
    svg.replaceChildren(count, longest);
    $('chart-span').textContent = 'last 5 minutes';
    $('chart-max').textContent = `scale: 0 to ${duration(maxMs)} of wait, 0 to ${maxWaiters} ${maxWaiters === 1 ? 'waiter' : 'waiters'}`;
  }

  // --- the loop --------------------------------------------------------------------------------

  async function refresh() {
    const status = $('status');
    try {
      const [list, hot, graph] = await Promise.all([
        getJson(`api/locks${query({ prefix: state.prefix, after: state.after, limit: state.pageSize })}`),
        getJson(`api/hot${query({ top: hotCount })}`),
        getJson('api/graph'),
      ]);
      const now = Date.now();
      const seen = new Set();
      renderLocks(list, now, seen);
      pruneSeen(seen);
      renderHot(hot);
      renderGraph(graph);
      renderChart(hot, now);
      status.textContent = `updated ${new Date(now).toLocaleTimeString()}`;
      status.className = '';
      document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    } catch (error) {
      status.textContent = `not updated: ${error.message}`;
      status.className = 'error';
    }
  }

  function schedule(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      if (!$('paused').checked && !document.hidden) await refresh();
      schedule(pollEveryMs);
    }, delay);
  }

  function showPage(after, pageNumber) {
    state.after = after;
    state.pageNumber = pageNumber;
    schedule(0);
  }

  let typing = 0;
  $('prefix').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.prefix = $('prefix').value; showPage(null, 1); }, 300);
  });
  $('page-size').addEventListener('change', () => { state.pageSize = Number($('page-size').value); showPage(null, 1); });
  $('first-page').addEventListener('click', () => showPage(null, 1));
  $('next-page').addEventListener('click', () => { if (state.next) showPage(state.next, state.pageNumber + 1); });
  $('filter').addEventListener('submit', event => event.preventDefault());
  schedule(0);
})();
