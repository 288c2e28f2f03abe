// podnet's live map: one SVG drawn from /api/topology (and its SSE updates), flows animated on it,
// a policy matrix from the netpol engine and a trace view. No framework, no build step.
const SVG = 'http://www.w3.org/2000/svg';
const $ = (s) => document.querySelector(s);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const state = { topo: null, pos: new Map(), ipTo: new Map(), flows: [], selected: null, isolated: new Set() };
window.__podnet = { renders: 0, lastRenderMs: 0, flowsDrawn: 0 };

// Layout sizes.
const POD_W = 150, POD_H = 30, GAP = 6, NS_PAD = 8, SVC_W = 190, SVC_H = 34, ING_W = 170;

function podKey(p) { return `${p.namespace}/${p.name}`; }

/** Columns: ingresses, Services, then one column per node with namespace boxes of pods. */
function layout(topo) {
  const pos = new Map();
  const ipTo = new Map();
  let x = 16;
  const top = 40;
  // Ingresses.
  let y = top;
  const ingX = x;
  for (const ing of topo.ingresses) {
    pos.set(`ing:${ing.namespace}/${ing.name}`, { x: ingX, y, w: ING_W, h: 22 + 14 * ing.routes.length });
    y += 22 + 14 * ing.routes.length + GAP * 2;
  }
  if (topo.ingresses.length) x += ING_W + 60;
  // Services.
  y = top;
  const svcX = x;
  for (const s of topo.services) {
    const h = SVC_H + (s.externalIPs.length ? 12 : 0);
    pos.set(`svc:${s.namespace}/${s.name}`, { x: svcX, y, w: SVC_W, h });
    if (s.clusterIP && s.clusterIP !== 'None') ipTo.set(s.clusterIP, `svc:${s.namespace}/${s.name}`);
    for (const ip of s.externalIPs) ipTo.set(ip, `svc:${s.namespace}/${s.name}`);
    y += h + GAP;
  }
  let height = y;
  x += SVC_W + 80;
  // Nodes: pods grouped by namespace, a grid whose width grows with the node's pod count.
  const byNode = new Map(topo.nodes.map((n) => [n.name, []]));
  for (const p of topo.pods) {
    const n = p.node ?? '(unscheduled)';
    if (!byNode.has(n)) byNode.set(n, []);
    byNode.get(n).push(p);
  }
  const nodeBoxes = [];
  for (const [node, pods] of byNode) {
    const cols = Math.max(1, Math.min(6, Math.ceil(Math.sqrt(pods.length / 4))));
    const colW = Math.max(230, cols * (POD_W + GAP) + NS_PAD * 2);
    const nx = x;
    let ny = top + 36;
    const groups = new Map();
    for (const p of pods) {
      if (!groups.has(p.namespace)) groups.set(p.namespace, []);
      groups.get(p.namespace).push(p);
    }
    const nsBoxes = [];
    for (const [ns, list] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
      const rows = Math.ceil(list.length / cols);
      const boxH = 18 + rows * (POD_H + GAP) + NS_PAD;
      nsBoxes.push({ ns, x: nx + 8, y: ny, w: colW, h: boxH });
      list.forEach((p, i) => {
        const px = nx + 8 + NS_PAD + (i % cols) * (POD_W + GAP);
        const py = ny + 18 + Math.floor(i / cols) * (POD_H + GAP);
        pos.set(`pod:${podKey(p)}`, { x: px, y: py, w: POD_W, h: POD_H });
        if (p.ip) ipTo.set(p.ip, `pod:${podKey(p)}`);
      });
      ny += boxH + GAP * 2;
    }
    const info = topo.nodes.find((n) => n.name === node);
    if (info?.ip) ipTo.set(info.ip, `node:${node}`);
    nodeBoxes.push({ node, info, x: nx, y: top, w: colW + 16, h: ny - top + 4, nsBoxes });
    pos.set(`node:${node}`, { x: nx, y: top, w: colW + 16, h: 24 });
    x += colW + 16 + 24;
    height = Math.max(height, ny);
  }
  return { pos, ipTo, nodeBoxes, width: x + 16, height: height + 24 };
}

function center(r) { return [r.x + r.w / 2, r.y + r.h / 2]; }
function curve(a, b) {
  const [x1, y1] = [a.x + a.w, a.y + a.h / 2];
  const [x2, y2] = b.x > a.x + a.w ? [b.x, b.y + b.h / 2] : center(b);
  const mx = (x1 + x2) / 2;
  return `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
}

function isolatedPods(topo) {
  const iso = new Set();
  for (const pol of topo.policies) {
    for (const p of topo.pods) {
      if (p.namespace !== pol.namespace) continue;
      if (Object.entries(pol.podSelector).every(([k, v]) => p.labels[k] === v)) iso.add(podKey(p));
    }
  }
  return iso;
}

function render(topo) {
  const t0 = performance.now();
  state.topo = topo;
  const L = layout(topo);
  state.pos = L.pos;
  state.ipTo = L.ipTo;
  state.isolated = isolatedPods(topo);
  const out = [];
  out.push(`<g id="edges">`);
  // Ingress → Service routes.
  for (const ing of topo.ingresses) {
    const a = L.pos.get(`ing:${ing.namespace}/${ing.name}`);
    for (const r of ing.routes) {
      const b = L.pos.get(`svc:${ing.namespace}/${r.service}`);
      if (a && b) out.push(`<path class="edge route" d="${curve(a, b)}"><title>${esc(r.host + r.path)} → ${esc(r.service)}</title></path>`);
    }
  }
  // Service → endpoint pods.
  const podByIP = new Map(topo.pods.filter((p) => p.ip).map((p) => [p.ip, p]));
  for (const s of topo.services) {
    const a = L.pos.get(`svc:${s.namespace}/${s.name}`);
    for (const e of s.endpoints) {
      const p = podByIP.get(e.ip);
      const b = p && L.pos.get(`pod:${podKey(p)}`);
      if (a && b) out.push(`<path class="edge" data-svc="${esc(s.namespace + '/' + s.name)}" d="${curve(a, b)}"/>`);
    }
  }
  out.push(`</g><g id="boxes">`);
  for (const nb of L.nodeBoxes) {
    out.push(`<rect class="node-col" x="${nb.x}" y="${nb.y}" width="${nb.w}" height="${nb.h}" rx="6"/>`);
    out.push(`<text class="node-title" x="${nb.x + 8}" y="${nb.y + 16}">${esc(nb.node)}${nb.info?.ip ? ` · ${esc(nb.info.ip)}` : ''}</text><text class="ip" x="${nb.x + 8}" y="${nb.y + 29}">pods ${esc(nb.info?.podCIDR ?? '')}</text>`);
    for (const b of nb.nsBoxes) {
      out.push(`<rect class="ns-box" x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="4"/><text class="ns-title" x="${b.x + 6}" y="${b.y + 12}">ns/${esc(b.ns)}</text>`);
    }
  }
  for (const p of topo.pods) {
    const r = L.pos.get(`pod:${podKey(p)}`);
    const cls = ['pod', 'clickable', p.ready ? '' : 'notready', state.isolated.has(podKey(p)) ? 'isolated' : ''].join(' ');
    out.push(`<g class="${cls}" data-pod="${esc(podKey(p))}" data-ip="${esc(p.ip ?? '')}" transform="translate(${r.x},${r.y})"><rect width="${r.w}" height="${r.h}"/>${state.isolated.has(podKey(p)) ? `<text class="np" x="${r.w - 5}" y="12" text-anchor="end">NP</text>` : ''}<text x="5" y="12">${esc(p.name.length > 22 ? p.name.slice(0, 21) + '…' : p.name)}</text><text class="ip" x="5" y="25">${esc(p.ip ?? 'no IP')}</text></g>`);
  }
  for (const s of topo.services) {
    const r = L.pos.get(`svc:${s.namespace}/${s.name}`);
    const ports = s.ports.map((p) => `${p.port}${p.nodePort ? ':' + p.nodePort : ''}/${p.protocol}`).join(',');
    const cls = ['svc', 'clickable', s.selector && s.endpoints.length === 0 ? 'noep' : ''].join(' ');
    out.push(`<g class="${cls}" data-svc="${esc(s.namespace + '/' + s.name)}" transform="translate(${r.x},${r.y})"><rect width="${r.w}" height="${r.h}"/><text x="6" y="13">${esc(s.namespace)}/${esc(s.name)} <tspan class="ip">${esc(s.type)}</tspan></text><text class="ip" x="6" y="27">${esc(s.clusterIP ?? '')} ${esc(ports)}${s.selector && s.endpoints.length === 0 ? ' · no endpoints' : ''}</text>${s.externalIPs.length ? `<text class="ip" x="6" y="39">ext ${esc(s.externalIPs.join(','))}</text>` : ''}</g>`);
  }
  for (const ing of topo.ingresses) {
    const r = L.pos.get(`ing:${ing.namespace}/${ing.name}`);
    out.push(`<g class="ing" data-ing="${esc(ing.namespace + '/' + ing.name)}" transform="translate(${r.x},${r.y})"><rect width="${r.w}" height="${r.h}"/><text x="6" y="14">Ingress ${esc(ing.namespace)}/${esc(ing.name)}</text>${ing.routes.map((rt, i) => `<text class="ip" x="8" y="${28 + i * 14}">${esc(rt.host + rt.path)} → ${esc(rt.service)}</text>`).join('')}</g>`);
  }
  out.push(`</g><g id="flowlayer"></g>`);
  const svg = $('#map');
  svg.setAttribute('width', L.width);
  svg.setAttribute('height', L.height);
  svg.setAttribute('viewBox', `0 0 ${L.width} ${L.height}`);
  const heads = (topo.ingresses.length ? `<text x="16" y="24" class="node-title">Ingress</text>` : '') + `<text x="${topo.ingresses.length ? ING_W + 76 : 16}" y="24" class="node-title">Services</text>`;
  svg.innerHTML = heads + out.join('');
  $('#summary').textContent = `${topo.nodes.length} nodes · ${topo.namespaces.length} namespaces · ${topo.pods.length} pods · ${topo.services.length} Services · ${topo.policies.length} policies`;
  if (state.selected) select(state.selected, false);
  // Reading geometry forces style and layout, so the measured time includes the browser's work.
  svg.getBBox();
  window.__podnet.renders++;
  window.__podnet.lastRenderMs = performance.now() - t0;
}

// ── Details ──────────────────────────────────────────────────────────────────
function select(id, scroll = true) {
  document.querySelectorAll('.selected').forEach((e) => e.classList.remove('selected'));
  state.selected = id;
  const t = state.topo;
  const d = $('#details');
  if (id.startsWith('pod:')) {
    const key = id.slice(4);
    const p = t.pods.find((x) => podKey(x) === key);
    if (!p) return;
    document.querySelector(`g[data-pod="${CSS.escape(key)}"]`)?.classList.add('selected');
    const svcs = t.services.filter((s) => s.endpoints.some((e) => e.ip === p.ip)).map((s) => `${s.namespace}/${s.name}`);
    const pols = t.policies.filter((pol) => pol.namespace === p.namespace && Object.entries(pol.podSelector).every(([k, v]) => p.labels[k] === v));
    const flows = state.flows.filter((f) => f.src.ip === p.ip || f.dst.ip === p.ip).slice(-10).reverse();
    d.innerHTML = `<h2>Pod ${esc(key)}</h2><dl><dt>IP</dt><dd>${esc(p.ip ?? '-')}</dd><dt>node</dt><dd>${esc(p.node ?? '-')}</dd><dt>phase</dt><dd>${esc(p.phase ?? '-')} ${p.ready ? '(ready)' : '(not ready)'}</dd><dt>labels</dt><dd>${Object.entries(p.labels).map(([k, v]) => esc(`${k}=${v}`)).join('<br>') || '-'}</dd><dt>Services</dt><dd>${svcs.map(esc).join('<br>') || '-'}</dd><dt>policies</dt><dd>${pols.map((x) => esc(`${x.name} (${x.policyTypes.join('+')})`)).join('<br>') || 'none: not isolated'}</dd></dl><h2>Recent flows</h2>${flowList(flows)}`;
  } else if (id.startsWith('svc:')) {
    const key = id.slice(4);
    const s = t.services.find((x) => `${x.namespace}/${x.name}` === key);
    if (!s) return;
    document.querySelector(`g[data-svc="${CSS.escape(key)}"]`)?.classList.add('selected');
    const flows = state.flows.filter((f) => f.service && `${f.service.namespace}/${f.service.name}` === key).slice(-10).reverse();
    d.innerHTML = `<h2>Service ${esc(key)}</h2><dl><dt>type</dt><dd>${esc(s.type)}</dd><dt>ClusterIP</dt><dd>${esc(s.clusterIP ?? '-')}</dd><dt>external</dt><dd>${esc(s.externalIPs.join(', ') || '-')}</dd><dt>ports</dt><dd>${s.ports.map((p) => esc(`${p.name ? p.name + ' ' : ''}${p.port}/${p.protocol} → ${p.targetPort ?? p.port}${p.nodePort ? ' nodePort ' + p.nodePort : ''}`)).join('<br>')}</dd><dt>selector</dt><dd>${esc(Object.entries(s.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '-')}</dd><dt>endpoints</dt><dd>${s.endpoints.map((e) => esc(`${e.ip}${e.pod ? ' ' + e.pod : ''}${e.node ? ' @' + e.node : ''}${e.ready ? '' : ' (not ready)'}`)).join('<br>') || '<b>none</b>: connections are rejected'}</dd></dl><h2>Recent flows</h2>${flowList(flows)}`;
  }
}

function flowList(flows) {
  if (!flows.length) return '<p class="hint">none yet</p>';
  return `<ul>${flows.map((f) => `<li>${esc(f.time.slice(11, 19))} ${esc(epText(f.src))} → ${esc(epText(f.dst))} <b>${esc(f.verdict)}</b> ${esc(f.reason ?? '')}</li>`).join('')}</ul>`;
}

function epText(e) {
  const who = e.pod ? `${e.namespace}/${e.pod}` : e.identity ? `${e.ip} (${e.identity})` : e.ip;
  return e.port !== undefined ? `${who}:${e.port}` : who;
}

$('#map').addEventListener('click', (ev) => {
  const g = ev.target.closest('g[data-pod], g[data-svc]');
  if (!g) return;
  select(g.dataset.pod ? `pod:${g.dataset.pod}` : `svc:${g.dataset.svc}`);
});

// ── Flows ────────────────────────────────────────────────────────────────────
const MAX_ROWS = 200;
function addFlow(f) {
  state.flows.push(f);
  if (state.flows.length > 2000) state.flows.splice(0, 1000);
  const tb = $('#flows tbody');
  const tr = document.createElement('tr');
  tr.dataset.verdict = f.verdict;
  const detail = f.l7 ? (f.l7.type === 'dns' ? `${f.l7.qtype} ${f.l7.name} ${f.l7.rcode}` : `${f.l7.host}${f.l7.path} ${f.l7.status}`) : f.reason ?? (f.event === 'end' && f.bytes !== undefined ? `${f.bytes} B` : '');
  const mark = f.verdict === 'dropped' ? '✕ ' : f.verdict === 'rejected' ? '⊘ ' : '';
  tr.innerHTML = `<td>${esc(f.time.slice(11, 23))}</td><td>${esc(f.node)}</td><td>${esc(epText(f.src))}</td><td>${esc(epText(f.dst))}</td><td>${esc(f.service ? f.service.namespace + '/' + f.service.name : '-')}</td><td>${esc(f.protocol)}</td><td class="v">${mark}${esc(f.verdict.toUpperCase())}</td><td>${esc(detail)}</td>`;
  tb.prepend(tr);
  while (tb.rows.length > MAX_ROWS) tb.deleteRow(-1);
  if (f.event !== 'end') drawFlow(f);
}

function rectOf(ip) {
  const id = state.ipTo.get(ip);
  return id ? state.pos.get(id) : undefined;
}

/** A flow is drawn source → Service → endpoint when a Service was involved; drops end in a labelled ✕. */
function drawFlow(f) {
  const layer = $('#flowlayer');
  if (!layer) return;
  const a = rectOf(f.src.ip);
  const svc = f.service ? state.pos.get(`svc:${f.service.namespace}/${f.service.name}`) : undefined;
  const b = rectOf(f.dst.ip);
  const pts = [a, svc, b && b !== svc ? b : undefined].filter(Boolean);
  if (pts.length < 2) return;
  const d = pts.slice(1).map((p, i) => {
    const [x1, y1] = center(pts[i]);
    const [x2, y2] = center(p);
    return `${i === 0 ? `M${x1},${y1}` : ''} L${x2},${y2}`;
  }).join(' ');
  const g = document.createElementNS(SVG, 'g');
  g.setAttribute('class', `flowg ${f.verdict}`);
  g.dataset.verdict = f.verdict;
  const [ex, ey] = center(pts[pts.length - 1]);
  const label = f.verdict === 'dropped' ? '✕ dropped' : f.verdict === 'rejected' ? '⊘ rejected' : '';
  g.innerHTML = `<path class="flow ${f.verdict}" d="${d}"><title>${esc(epText(f.src))} → ${esc(epText(f.dst))} ${esc(f.verdict)} ${esc(f.reason ?? '')}</title></path><circle class="dot ${f.verdict}" r="4"><animateMotion dur="0.8s" repeatCount="2" fill="freeze" path="${d}"/></circle>${label ? `<text class="flow-label ${f.verdict}" x="${ex + 6}" y="${ey + 22}">${label}</text>` : ''}`;
  layer.appendChild(g);
  window.__podnet.flowsDrawn++;
  setTimeout(() => g.remove(), f.verdict === 'forwarded' ? 2500 : 6000);
}

// ── Policy matrix ────────────────────────────────────────────────────────────
$('#matrix-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams(new FormData(ev.target));
  if (!q.get('namespace')) q.delete('namespace');
  const m = await (await fetch(`/api/matrix?${q}`)).json();
  // Observed outcomes beside the prediction: a cell also shows what flows really did.
  const seen = new Map();
  for (const f of state.flows) {
    if (!f.src.pod || !f.dst.pod) continue;
    seen.set(`${f.src.namespace}/${f.src.pod}>${f.dst.namespace}/${f.dst.pod}`, f.verdict);
  }
  const head = `<tr><th></th>${m.pods.map((p) => `<th class="col">${esc(p)}</th>`).join('')}</tr>`;
  const rows = m.pods.map((s, i) => `<tr><th>${esc(s)}</th>${m.pods.map((d, j) => {
    const ok = m.allowed[i][j];
    const obs = seen.get(`${s}>${d}`);
    return `<td class="${ok ? 'allow' : 'deny'} ${obs ? (obs === 'forwarded' ? 'seen-fwd' : 'seen-drop') : ''}" data-from="${esc(s)}" data-to="${esc(d)}" title="${esc(s)} → ${esc(d)}: ${ok ? 'allowed' : 'blocked'}${obs ? ` (seen ${obs})` : ''}">${ok ? '✓' : '✕'}</td>`;
  }).join('')}</tr>`).join('');
  $('#matrix').innerHTML = `<p>${esc(m.protocol)}/${m.port}: ✓ allowed, ✕ blocked (netpol engine); outlined cells were seen in flows. Click a cell for why.</p><table>${head}${rows}</table>`;
  $('#matrix').dataset.port = m.port;
  $('#matrix').dataset.protocol = m.protocol;
});

$('#matrix').addEventListener('click', async (ev) => {
  const td = ev.target.closest('td[data-from]');
  if (!td) return;
  const m = $('#matrix');
  const q = new URLSearchParams({ from: td.dataset.from, to: td.dataset.to, port: m.dataset.port, protocol: m.dataset.protocol });
  const d = await (await fetch(`/api/explain?${q}`)).json();
  const side = (s) => `<dt>${esc(s.direction)}</dt><dd>${s.allowed ? '✓' : '✕'} ${esc(s.reason)}${s.policies.length ? `<br>policies: ${s.policies.map(esc).join(', ')}` : ''}</dd>`;
  $('#details').innerHTML = `<h2>${esc(td.dataset.from)} → ${esc(td.dataset.to)}</h2><p><b>${d.allowed ? 'allowed' : 'blocked'}</b> on ${esc(m.dataset.protocol)}/${esc(m.dataset.port)}</p><dl>${side(d.egress)}${side(d.ingress)}</dl>`;
});

// ── Trace ────────────────────────────────────────────────────────────────────
$('#trace-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const q = new URLSearchParams(new FormData(ev.target));
  const out = $('#trace');
  out.textContent = 'tracing…';
  const r = await fetch(`/api/trace?${q}`);
  const t = await r.json();
  if (!r.ok) return void (out.textContent = t.error ?? `trace failed (${r.status})`);
  showTrace(t);
});

/** Draws a trace result ({hops:[{step, predicted, kernel?, ip?, differs?}]}) as a table and on the map. */
function showTrace(t) {
  const rows = (t.hops ?? []).map((h) => `<tr class="${h.differs ? 'diff' : ''}"><td>${esc(h.step)}</td><td>${esc(h.predicted)}</td><td>${esc(h.kernel ?? '')}</td><td>${h.differs ? '≠ differs' : ''}</td></tr>`).join('');
  $('#trace').innerHTML = `<p><b>${esc(t.summary ?? '')}</b></p><table><tr><th>hop</th><th>predicted</th><th>kernel</th><th></th></tr>${rows}</table>`;
  document.querySelectorAll('.hl').forEach((e) => e.classList.remove('hl'));
  document.querySelectorAll('path.trace').forEach((e) => e.remove());
  const ids = (t.path ?? []).map((ip) => state.ipTo.get(ip)).filter(Boolean);
  for (const id of ids) {
    const [kind, key] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
    document.querySelector(`g[data-${kind}="${CSS.escape(key)}"]`)?.classList.add('hl');
  }
  const rects = ids.map((id) => state.pos.get(id)).filter(Boolean);
  if (rects.length > 1) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('class', 'edge trace');
    p.setAttribute('d', rects.map((r, i) => `${i ? 'L' : 'M'}${center(r).join(',')}`).join(' '));
    $('#edges')?.appendChild(p);
  }
}
window.__podnet.showTrace = showTrace;

// ── Latency probes ───────────────────────────────────────────────────────────
/** Source node × destination node: the latest probe's round trip, or ✕ and why (from /api/probes). */
async function showProbes() {
  const p = await (await fetch('/api/probes')).json();
  const out = $('#probes');
  if (!p.results.length) return void (out.innerHTML = `<p class="hint">${p.intervalMs ? `No probe results yet (a round every ${p.intervalMs / 1000} s).` : 'Latency probes are off here.'}</p>`);
  const nodes = [];
  for (const r of p.results) for (const n of [r.srcNode, r.dstNode]) if (!nodes.includes(n)) nodes.push(n);
  const at = new Map(p.results.map((r) => [`${r.srcNode}>${r.dstNode}`, r]));
  const ms = (v) => (v < 1 ? `${Math.round(v * 1000)} µs` : `${v.toFixed(2)} ms`);
  const cell = (r) => !r ? '<td>-</td>' : `<td class="${r.ok ? 'ok' : 'fail'}" data-src="${esc(r.srcNode)}" data-dst="${esc(r.dstNode)}" title="${esc(r.src)} → ${esc(r.dst)} (${esc(r.dstIP)}:${r.port}) ${esc(r.outcome)} at ${esc(r.time)}">${r.ok ? ms(r.latencyMs) : `✕ ${esc(r.outcome)}`}</td>`;
  const head = `<tr><th>from \\ to</th>${nodes.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
  const rows = nodes.map((s) => `<tr><th>${esc(s)}</th>${nodes.map((d) => cell(at.get(`${s}>${d}`))).join('')}</tr>`).join('');
  out.innerHTML = `<p>Pod-to-pod TCP handshake round trips between nodes (latest round; every ${p.intervalMs / 1000} s). ✕: no handshake (timeout: a policy drop or a broken path).</p><table>${head}${rows}</table>`;
}
let probeTimer;

// ── Views and live updates ───────────────────────────────────────────────────
document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => {
  document.querySelectorAll('nav button, .view').forEach((e) => e.classList.remove('active'));
  b.classList.add('active');
  $(`#view-${b.dataset.view}`).classList.add('active');
  if (b.dataset.view === 'trace') $('#view-map').classList.add('active');
  clearInterval(probeTimer);
  if (b.dataset.view === 'probes') {
    void showProbes();
    probeTimer = setInterval(showProbes, 5000);
  }
}));

const es = new EventSource('/api/events');
es.addEventListener('topology', (ev) => render(JSON.parse(ev.data)));
es.addEventListener('flow', (ev) => addFlow(JSON.parse(ev.data)));
es.onerror = () => ($('#summary').textContent = 'disconnected — retrying…');
fetch('/api/flows?limit=200').then((r) => r.text()).then((text) => {
  for (const l of text.split('\n')) if (l) state.flows.push(JSON.parse(l));
});
window.__podnet.render = render;
