// fivefold dashboard: one script for the four pages (body[data-page]); charts by Chart.js.
'use strict';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const charts = {}; // key -> Chart
window.sseOpen = false;
window.pointCount = key => charts[key] ? charts[key].data.datasets.reduce((n, d) => Math.max(n, d.data.length), 0) : 0;
window.datasetCount = key => charts[key] ? charts[key].data.datasets.length : 0;
window.chartKeys = () => Object.keys(charts);
window.rendered = 0; // how many times the page drew its data

const $ = id => document.getElementById(id);
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(k == null ? '' : String(k)));
  return e;
}
function showError(msg) { const e = $('error'); e.textContent = msg; e.hidden = !msg; }
async function api(url) {
  const r = await fetch(url);
  let body;
  try { body = await r.json(); } catch (e) { throw new Error(url + ': not JSON (' + r.status + ')'); }
  if (!r.ok || body.error && !body.name) throw new Error(body.error || url + ': ' + r.status);
  if (body.error) showError(body.error);
  return body;
}
function fmt(v) {
  if (v == null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en') : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4);
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => k + ' ' + fmt(x)).join(', ');
  return String(v);
}
function param(name) { return new URLSearchParams(location.search).get(name); }
function filesUrl(run, name) { return '/files/' + (run === '.' ? '' : encodeURIComponent(run) + '/') + encodeURIComponent(name); }

// Series of a run: key "file/column" -> [{x, y}]
function seriesOf(run) {
  const out = {};
  for (const [file, s] of Object.entries(run.series || {})) {
    const xi = s.x == null ? -1 : s.columns.indexOf(s.x);
    s.columns.forEach((col, j) => {
      if (j === xi) return;
      const pts = [];
      s.rows.forEach((r, i) => { if (r[j] != null) pts.push({x: xi < 0 ? i + 1 : r[xi], y: r[j]}); });
      if (pts.length) out[file.replace(/\.csv$/, '') + '/' + col] = {pts, x: s.x || 'row'};
    });
  }
  // the curves people look at first; bookkeeping columns (epoch, seconds) last
  const rank = k => /\/(epoch|seconds)$/.test(k) ? 2 : /(loss|acc|bpc)/.test(k) ? 0 : 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => rank(a) - rank(b)));
}

function chart(container, key, xLabel, datasets) {
  let c = charts[key];
  if (!c) {
    const canvas = el('canvas');
    container.append(el('div', {class: 'chart', 'data-key': key}, el('h3', {}, key), canvas));
    c = charts[key] = new Chart(canvas, {
      type: 'line',
      data: {datasets: []},
      options: {animation: false, parsing: false, normalized: true, maintainAspectRatio: false, spanGaps: true,
        elements: {point: {radius: 0}, line: {borderWidth: 1.5}},
        interaction: {mode: 'nearest', intersect: false},
        plugins: {legend: {display: datasets.length > 1}},
        scales: {x: {type: 'linear', title: {display: true, text: xLabel}}, y: {type: 'linear'}}}
    });
  }
  datasets.forEach((d, i) => {
    const ds = c.data.datasets[i] || (c.data.datasets[i] = {label: d.label, borderColor: COLORS[i % COLORS.length],
      backgroundColor: COLORS[i % COLORS.length], data: []});
    ds.data = d.pts;
  });
  c.update('none');
  return c;
}

// --- runs ---
let runsSort = {key: 'modified', desc: true};
async function indexPage() {
  const data = await api('/api/runs');
  const main = $('main');
  main.replaceChildren();
  main.append(el('p', {}, 'Runs in ' + data.root + ' (' + data.runs.length + ')'));
  const cols = [['name', 'run'], ['model', 'model'], ['command', 'command'], ['status', 'status'], ['step', 'step'],
    ['best', 'best metrics'], ['seconds', 'seconds'], ['modified', 'modified']];
  const val = (r, k) => k === 'best' ? fmt(r.best) : r[k];
  const rows = data.runs.slice().sort((a, b) => {
    const x = val(a, runsSort.key), y = val(b, runsSort.key);
    const c = x == null ? -1 : y == null ? 1 : typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
    return runsSort.desc ? -c : c;
  });
  const head = el('tr', {}, el('th', {}, ''), ...cols.map(([k, label]) => el('th', {class: 'sortable', 'data-sort': k,
    onclick: () => { runsSort = {key: k, desc: runsSort.key === k ? !runsSort.desc : false}; indexPage(); }}, label)));
  const table = el('table', {id: 'runs'}, head);
  for (const r of rows) {
    table.append(el('tr', {'data-run': r.name},
      el('td', {}, el('input', {type: 'checkbox', value: r.name})),
      el('td', {}, el('a', {href: '/run.html?run=' + encodeURIComponent(r.name)}, r.name)),
      el('td', {}, r.model), el('td', {}, r.command),
      el('td', {class: 'status-' + r.status}, r.status + (r.error ? ' (' + r.error + ')' : '')),
      el('td', {class: 'num'}, fmt(r.step)), el('td', {}, fmt(r.best)), el('td', {class: 'num'}, fmt(r.seconds)),
      el('td', {}, r.modified ? new Date(r.modified).toLocaleString() : '')));
  }
  main.append(table, el('button', {id: 'compare', onclick: () => {
    const sel = [...document.querySelectorAll('#runs input:checked')].map(i => i.value);
    if (sel.length) location.href = '/compare.html?runs=' + sel.map(encodeURIComponent).join(',');
  }}, 'compare selected'));
  if (data.archives.length) {
    main.append(el('h2', {}, 'archives'), el('ul', {}, ...data.archives.map(a =>
      el('li', {}, el('a', {href: '/archive.html?file=' + encodeURIComponent(a)}, a)))));
  }
  window.rendered++;
}

// --- one run ---
function runPage() {
  const name = param('run');
  $('title').textContent = name;
  const main = $('main');
  const summary = el('div', {id: 'summary'}), grid = el('div', {class: 'charts', id: 'charts'});
  const images = el('div', {class: 'images', id: 'images'}), meta = el('pre', {id: 'metadata'});
  main.append(summary, grid, el('h2', {}, 'pictures'), images, el('h2', {}, 'metadata and command'), meta);
  const draw = run => {
    if (run.error && !run.name) { showError(run.error); return; }
    summary.replaceChildren(el('p', {}, el('b', {class: 'status-' + run.status}, run.status), ' · ', run.command + ' ' + run.model,
      ' · step ', fmt(run.step), ' · best ', fmt(run.best), ' · final ', fmt(run.final)));
    for (const [key, s] of Object.entries(seriesOf(run))) chart(grid, key, s.x, [{label: key, pts: s.pts}]);
    images.replaceChildren(...run.images.map(f => el('figure', {}, el('img', {src: filesUrl(name, f) + '?t=' + run.modified, alt: f}),
      el('figcaption', {}, f))));
    meta.textContent = JSON.stringify(run.metadata, null, 2) + '\n\nfiles: ' + run.files.join(', ');
    $('live').textContent = run.status === 'running' ? 'live · updated ' + new Date().toLocaleTimeString() : '';
    window.rendered++;
  };
  const es = new EventSource('/api/events?run=' + encodeURIComponent(name));
  es.onopen = () => { window.sseOpen = true; };
  es.onmessage = ev => draw(JSON.parse(ev.data));
  es.onerror = () => { $('live').textContent = 'disconnected: retrying'; };
}

// --- compare ---
async function comparePage() {
  const names = (param('runs') || '').split(',').filter(s => s);
  $('title').textContent = 'compare ' + names.join(', ');
  if (!names.length) { showError('no runs given: /compare.html?runs=A,B'); return; }
  const runs = await Promise.all(names.map(n => api('/api/run?run=' + encodeURIComponent(n))));
  const main = $('main');
  const keys = new Set(['final']);
  runs.forEach(r => Object.keys(r.final || {}).forEach(k => keys.add(k)));
  keys.delete('final');
  const table = el('table', {id: 'finals'}, el('tr', {}, el('th', {}, 'run'), el('th', {}, 'model'), el('th', {}, 'status'),
    el('th', {}, 'step'), ...[...keys].map(k => el('th', {}, k))));
  runs.forEach(r => table.append(el('tr', {}, el('td', {}, el('a', {href: '/run.html?run=' + encodeURIComponent(r.name)}, r.name)),
    el('td', {}, r.model), el('td', {class: 'status-' + r.status}, r.status), el('td', {class: 'num'}, fmt(r.step)),
    ...[...keys].map(k => el('td', {class: 'num'}, fmt((r.final || {})[k]))))));
  const grid = el('div', {class: 'charts', id: 'charts'});
  main.append(el('h2', {}, 'final metrics'), table, el('h2', {}, 'curves'), grid);
  const series = runs.map(seriesOf);
  const all = new Set();
  series.forEach(s => Object.keys(s).forEach(k => all.add(k)));
  for (const key of all) {
    const ds = [];
    series.forEach((s, i) => { if (s[key]) ds.push({label: runs[i].name, pts: s[key].pts}); });
    chart(grid, key, (series.find(s => s[key]) || {})[key].x, ds);
  }
  window.rendered++;
}

// --- archive ---
async function archivePage() {
  const file = param('file');
  $('title').textContent = file;
  const a = await api('/api/archive?file=' + encodeURIComponent(file));
  const main = $('main');
  main.append(el('p', {}, a.spec + ' · codec ' + a.codec + ' · ecc ' + a.ecc + ' · ' + fmt(a.fileBytes) + ' B (dense float32 ' +
    fmt(a.denseBytes) + ' B, ratio ' + a.ratio.toFixed(1) + '×) · ECC ' + fmt(a.eccBytes) + ' B'));
  const cols = ['name', 'size', 'kept', 'bits', 'codebook', 'bytes', 'bitsPerWeight', 'ratio'];
  main.append(el('table', {id: 'tensors'}, el('tr', {}, ...cols.map(c => el('th', {}, c))),
    ...a.tensors.map(t => el('tr', {}, ...cols.map(c => el('td', {class: c === 'name' ? '' : 'num'}, fmt(t[c])))))));
  const flip = el('input', {id: 'flip', type: 'number', value: '8', min: '0'}), seed = el('input', {id: 'seed', type: 'number', value: '1'});
  const out = el('div', {id: 'fault'});
  main.append(el('h2', {}, 'fault trial (in memory; nothing is written)'), el('p', {}, 'flip ', flip, ' bits, seed ', seed, ' ',
    el('button', {id: 'run-fault', onclick: async () => {
      try {
        const r = await api('/api/archive?file=' + encodeURIComponent(file) + '&flip=' + flip.value + '&seed=' + seed.value);
        const f = r.fault;
        out.textContent = f.decoded
          ? 'decoded: ' + f.corrected + ' corrected, ' + f.uncorrectable + ' uncorrectable; weights ' + (f.identical ? 'bit-identical to the intact archive' : 'DIFFERENT')
          : 'refused: ' + f.refused;
        out.className = f.decoded && f.identical ? 'status-running' : 'status-failed';
        window.rendered++;
      } catch (e) { showError(e.message); }
    }}, 'flip and decode')), out);
  window.rendered++;
}

window.addEventListener('DOMContentLoaded', () => {
  const page = document.body.dataset.page;
  const run = {index: indexPage, run: runPage, compare: comparePage, archive: archivePage}[page];
  Promise.resolve().then(run).catch(e => showError(e.message));
  if (page === 'index') setInterval(() => indexPage().catch(e => showError(e.message)), 5000);
});
