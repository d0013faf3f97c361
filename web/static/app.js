// The page around the game: controls generated from the parameter schema,
// the charts, the inspector, comparisons and the status line. The game runs
// in the iframe and draws; the runs step in Web Workers. window.bellman in
// the iframe queues requests and returns the status.
"use strict";

const $ = (id) => document.getElementById(id);
const frame = $("game");
let api = null;          // the iframe's window.bellman
let status = null;       // the last status
let version = -1;        // schema version the controls were built for
let dragging = null;     // key of the control being edited
let shownSeq = 0;        // notices up to this one were shown
let recent = [];         // notices on the status line: {text, error, until}

// --- speed: a log slider from 1 to 1000 per second, "max" at the right end
const SPEED_MAX = 100;
function speedFromSlider(x) {
  x = Number(x);
  return x >= SPEED_MAX ? 0 : Math.round(Math.pow(1000, x / (SPEED_MAX - 1)) * 100) / 100;
}
function sliderFromSpeed(s) {
  return s <= 0 ? SPEED_MAX : Math.round(Math.log(s) / Math.log(1000) * (SPEED_MAX - 1));
}
function speedText(s) {
  if (s <= 0) return "max";
  return (s < 10 ? s.toFixed(1).replace(/\.0$/, "") : Math.round(s)) + "/s";
}

// --- formatting: never "-0"
function fmt(x, digits = 3) {
  if (x === null || x === undefined) return "—";
  if (!isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
  const s = Number(x.toFixed(digits)).toString();
  return s === "-0" ? "0" : s;
}

// --- the bridge
let calledAt = 0;        // a status from before this frame may predate the last call
function call(name, ...args) {
  if (!api) return;
  calledAt = (status ? status.frame : 0) + 2;
  try { api[name](...args); } catch (e) { local("error: " + e); }
}
// local shows a notice of the page's own.
function local(text) {
  recent.push({text, error: text.startsWith("error"), until: performance.now() + 15000});
  renderStatusLine();
}
window.bellmanFailed = (msg) => local("error: the simulation could not start: " + msg);

// Menus and buttons give the keyboard back once used, so that space, s and
// r reach the game (in a browser, space on a focused menu opens it).
function release(el) { setTimeout(() => el.blur(), 0); }

// --- pickers
let pickerKey = "";
function fillPicker(select, groups) {
  select.textContent = "";
  for (const g of groups || []) {
    const og = document.createElement("optgroup");
    og.label = g.label;
    for (const it of g.items) {
      const o = new Option(it.label, it.key);
      if (it.help) o.title = it.help;
      og.append(o);
    }
    select.append(og);
  }
}
function buildPickers(s) {
  const world = $("world"), algo = $("algorithm");
  const key = JSON.stringify([s.worldGroups, s.algorithmGroups].map((gs) => (gs || []).map((g) => g.items.map((i) => i.key))));
  if (key !== pickerKey) {
    pickerKey = key;
    fillPicker(world, s.worldGroups);
    fillPicker(algo, s.algorithmGroups);
    world.onchange = () => { if (world.value) call("world", world.value); release(world); };
    algo.onchange = () => { call("algorithm", algo.value); release(algo); };
  }
  // A world loaded from a file has its own entry, so that picking the
  // built-in world again is a change.
  let custom = world.querySelector("option[data-custom]");
  if (!s.builtIn) {
    if (!custom) {
      custom = new Option("", "");
      custom.dataset.custom = "1";
      world.prepend(custom);
    }
    custom.textContent = `${s.world} (from a file)`;
  } else if (custom) custom.remove();
  if (document.activeElement !== world) world.value = s.builtIn ? s.world : "";
  if (document.activeElement !== algo) algo.value = s.algorithm;
}

// --- lessons: ready-made setups, listed once from the game
let lessonsFilled = false;
function fillLessons() {
  if (lessonsFilled || !api || !api.lessons) return;
  let list;
  try { list = JSON.parse(api.lessons()); } catch (e) { return; }
  if (!list.length) return;
  lessonsFilled = true;
  const sel = $("lesson");
  for (const l of list) {
    const o = new Option(l.title, l.key);
    o.title = l.source;
    sel.append(o);
  }
  sel.onchange = () => { call("lesson", sel.value); release(sel); }; // "" ends the lesson, keeping the run
}
let lessonShown = null;
function renderLesson(s) {
  const l = s.lesson, sel = $("lesson");
  if (document.activeElement !== sel) sel.value = l ? l.key : "";
  const key = l ? l.key : "";
  if (key === lessonShown) return;
  lessonShown = key;
  $("lesson-card").hidden = !l;
  $("lesson-watch").textContent = l ? l.watch : "";
  $("lesson-source").textContent = l ? l.source : "";
}

// --- parameters: a slider and a number per parameter, from the schema
function toSlider(p, v) {
  if (p.log) return (Math.log10(v) - Math.log10(p.min)) / (Math.log10(p.max) - Math.log10(p.min)) * 1000;
  return v;
}
function fromSlider(p, x) {
  if (p.log) {
    const v = Math.pow(10, Math.log10(p.min) + x / 1000 * (Math.log10(p.max) - Math.log10(p.min)));
    return Number(v.toPrecision(2));
  }
  return Number(x);
}

function paramRow(p) {
  const row = document.createElement("div");
  row.className = "param";
  row.dataset.key = p.key;
  const id = "param-" + p.key;
  const head = document.createElement("div");
  head.className = "head";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = p.label;
  label.title = p.help;
  const help = document.createElement("p");
  help.className = "help";
  help.textContent = p.help;
  if (p.kind === "choice") {
    const sel = document.createElement("select");
    sel.id = id;
    sel.title = p.help;
    p.choices.forEach((c, i) => sel.add(new Option(c, String(i))));
    sel.addEventListener("change", () => { call("set", p.key, Number(sel.value)); release(sel); });
    head.append(label, sel);
    row.append(head, help);
    return row;
  }
  if (p.kind === "bool") {
    const cb = document.createElement("input");
    cb.type = "checkbox";
    cb.id = id;
    cb.title = p.help;
    cb.addEventListener("change", () => call("set", p.key, cb.checked ? 1 : 0));
    head.append(label, cb);
    row.append(head, help);
    return row;
  }
  const num = document.createElement("input");
  num.type = "number";
  num.id = id + "-value";
  num.setAttribute("aria-label", p.label + " value");
  num.step = p.log ? "any" : (p.step || "any");
  num.min = p.min; num.max = p.max;
  num.title = p.help;
  head.append(label, num);
  const slider = document.createElement("input");
  slider.type = "range";
  slider.id = id;
  slider.title = p.help;
  slider.setAttribute("aria-label", p.label);
  if (p.log) { slider.min = 0; slider.max = 1000; slider.step = 1; }
  else { slider.min = p.min; slider.max = p.max; slider.step = p.step || "any"; }
  row.append(head, slider, help);
  slider.addEventListener("input", () => {
    dragging = p.key;
    const v = fromSlider(p, slider.value);
    num.value = fmt(v, 4);
    call("set", p.key, v);
  });
  slider.addEventListener("change", () => { dragging = null; });
  num.addEventListener("focus", () => { dragging = p.key; });
  num.addEventListener("blur", () => { dragging = null; });
  num.addEventListener("change", () => {
    const v = Number(num.value);
    if (num.value.trim() === "" || isNaN(v)) { local(`error: ${p.label}: "${num.value}" is not a number`); return; }
    call("set", p.key, v);
  });
  return row;
}

function buildParams(s) {
  const box = $("params");
  const open = box.querySelector("details") && box.querySelector("details").open;
  box.textContent = "";
  const advanced = s.params.filter((p) => p.advanced);
  for (const p of s.params) if (!p.advanced) box.append(paramRow(p));
  if (advanced.length) {
    const d = document.createElement("details");
    d.className = "advanced";
    d.open = !!open;
    const sum = document.createElement("summary");
    sum.textContent = `advanced (${advanced.length})`;
    d.append(sum);
    for (const p of advanced) d.append(paramRow(p));
    box.append(d);
  }
  fillCompareKeys(s);
}

function syncParams(s) {
  for (const p of s.params) {
    if (dragging === p.key) continue;
    const el = $("param-" + p.key);
    if (!el || document.activeElement === el) continue;
    if (p.kind === "choice") { el.value = String(p.value); continue; }
    if (p.kind === "bool") { el.checked = p.value !== 0; continue; }
    const num = $("param-" + p.key + "-value");
    el.value = toSlider(p, p.value);
    if (document.activeElement !== num) num.value = fmt(p.value, 4);
  }
}

let layerKey = "";
function syncLayers(s) {
  const list = s.layerList || [];
  const box = $("layers");
  const key = list.map((l) => l.key).join("|");
  if (key !== layerKey) {
    layerKey = key;
    box.textContent = "";
    $("layers-title").hidden = list.length === 0;
    $("key").hidden = list.length === 0;
    for (const l of list) {
      const label = document.createElement("label");
      label.className = "layer";
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = "layer-" + l.key;
      cb.addEventListener("change", () => call("layer", l.key, cb.checked));
      label.append(cb, l.label);
      box.append(label);
    }
  }
  for (const l of list) {
    const el = $("layer-" + l.key);
    if (el && document.activeElement !== el) el.checked = l.on;
  }
}

// --- charts: whatever the run publishes, each a few series on one x axis;
// a comparison's runs faintly, each group's mean with its band.
let chartKey = "";
const charts = []; // per canvas: what was drawn, for the hover readout
function buildCharts(s) {
  const key = (s.charts || []).map((c) => c.title).join("|");
  if (key === chartKey) return;
  chartKey = key;
  const box = $("charts");
  box.textContent = "";
  charts.length = 0;
  (s.charts || []).forEach((c, i) => {
    const h = document.createElement("h2");
    h.append(c.title + " ");
    const small = document.createElement("small");
    small.id = "chart-note-" + i;
    small.textContent = c.note;
    h.append(small);
    const canvas = document.createElement("canvas");
    canvas.className = "chart";
    canvas.id = "chart-" + i;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", c.title + " chart");
    const tip = document.createElement("div");
    tip.className = "tip";
    tip.hidden = true;
    const wrap = document.createElement("div");
    wrap.className = "chart-wrap";
    wrap.append(canvas, tip);
    canvas.addEventListener("mousemove", (e) => hover(i, e, tip));
    canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
    box.append(h, wrap);
  });
}

function movingAverage(v, n) {
  const out = [];
  let sum = 0, count = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== null) { sum += v[i]; count++; }
    if (i >= n && v[i - n] !== null) { sum -= v[i - n]; count--; }
    out.push(count ? sum / count : null);
  }
  return out;
}

// niceTicks returns round tick values covering [lo, hi]: 1, 2 or 5 × 10^k apart.
function niceTicks(lo, hi, most) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / most;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}
function tickText(v, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return fmt(Number(v.toFixed(Math.min(digits, 6))), Math.min(digits, 6));
}

function drawChart(c, canvas, i) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  // On a log axis a zero (or less) sits on the axis's floor and says so.
  const finite = (x) => x !== null && isFinite(x);
  const all = [];
  let n = 0;
  const seriesX = (se, k) => (se.x ? se.x[k] : c.x0 + k);
  let x0 = Infinity, x1 = -Infinity;
  for (const se of c.series) {
    n = Math.max(n, se.values.length);
    se.values.forEach((v, k) => {
      if (finite(v) && (!c.log || v > 0)) all.push(v);
      const x = seriesX(se, k);
      if (finite(x)) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    });
    for (const b of [se.lo, se.hi]) if (b) for (const v of b) if (finite(v) && (!c.log || v > 0)) all.push(v);
  }
  if (!isFinite(x0)) { x0 = c.x0; x1 = c.x0; }
  if (c.line !== null && c.lineLabel && (!c.log || c.line > 0)) all.push(c.line);
  const left = 48, right = 10, top = 16, bottom = 30;
  const pw = w - left - right, ph = h - top - bottom;
  const tr = c.log ? Math.log10 : (x) => x;
  let lo, hi;
  if (c.fixed) { lo = tr(c.ymin); hi = tr(c.ymax); }
  else if (all.length === 0) { lo = 0; hi = 1; }
  else {
    lo = Math.min(...all.map(tr)); hi = Math.max(...all.map(tr));
    if (c.log) { lo = Math.floor(lo); hi = Math.ceil(hi); }
    if (hi - lo < 1e-9) { lo -= c.log ? 1 : Math.max(1, Math.abs(lo) * 0.1); hi += c.log ? 1 : Math.max(1, Math.abs(hi) * 0.1); }
    else if (!c.log) { const pad = (hi - lo) * 0.05; lo -= pad; hi += pad; }
  }
  const X = (x) => left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0) * pw;
  const Y = (v) => {
    const t = c.log ? (v > 0 ? Math.log10(v) : lo) : v;
    return top + (hi - Math.max(lo, Math.min(hi, t))) / (hi - lo) * ph;
  };
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#6b6b70";
  g.strokeStyle = "#ecece8";
  g.lineWidth = 1;
  // y ticks
  let ticks = [];
  if (c.log) {
    const every = Math.max(1, Math.ceil((hi - lo) / 5));
    for (let e = lo; e <= hi; e += every) ticks.push([Math.pow(10, e), "1e" + e]);
  } else {
    const tv = niceTicks(lo, hi, 4);
    const step = tv.length > 1 ? tv[1] - tv[0] : 1;
    ticks = tv.map((v) => [v, tickText(v, step)]);
  }
  g.textAlign = "right";
  for (const [v, label] of ticks) {
    const y = Y(v);
    g.beginPath(); g.moveTo(left, y); g.lineTo(w - right, y); g.stroke();
    g.fillText(label, left - 4, y + 4);
  }
  if (c.log && all.length < c.series.reduce((k, se) => k + se.values.filter(finite).length, 0)) {
    g.fillText("≤0", left - 4, top + ph + 4); // zeros drawn on the floor
  }
  // x ticks: round numbers, as many as fit
  g.textAlign = "center";
  // Steps and episodes are whole numbers: no tick between two of them.
  let xt = x1 > x0 ? niceTicks(x0, x1, Math.max(2, Math.floor(pw / 70))) : [x0];
  if (xt.length > 1 && xt[1] - xt[0] < 1) xt = niceTicks(Math.ceil(x0), Math.floor(x1), Math.max(1, Math.floor(x1) - Math.ceil(x0)));
  const xstep = xt.length > 1 ? xt[1] - xt[0] : 1;
  for (const v of xt) {
    const x = X(v);
    g.beginPath(); g.moveTo(x, top + ph); g.lineTo(x, top + ph + 3); g.stroke();
    g.fillText(tickText(v, xstep), x, top + ph + 14);
  }
  g.fillText(c.xlabel, left + pw / 2, h - 3);
  if (c.line !== null && c.lineLabel && (!c.log || c.line > 0)) {
    g.strokeStyle = "#107a3a"; g.setLineDash([4, 3]);
    g.beginPath(); g.moveTo(left, Y(c.line)); g.lineTo(w - right, Y(c.line)); g.stroke();
    g.setLineDash([]);
    g.fillStyle = "#107a3a"; g.textAlign = "right";
    g.fillText(c.lineLabel, w - right - 2, Y(c.line) - 3);
  }
  const path = (vals, se) => {
    g.beginPath();
    let pen = false;
    vals.forEach((v, k) => {
      const x = seriesX(se, k);
      if (!finite(v) || !finite(x)) { pen = false; return; }
      if (pen) g.lineTo(X(x), Y(v)); else g.moveTo(X(x), Y(v));
      pen = true;
    });
  };
  const line = (vals, color, width, alpha, se) => {
    g.strokeStyle = color; g.lineWidth = width; g.globalAlpha = alpha;
    path(vals, se);
    g.stroke();
    g.globalAlpha = 1;
  };
  for (const se of c.series) {
    if (se.lo && se.hi) { // the band under its mean
      g.fillStyle = se.color; g.globalAlpha = 0.15;
      g.beginPath();
      let started = false;
      se.hi.forEach((v, k) => { if (finite(v)) { const p = [X(seriesX(se, k)), Y(v)]; if (started) g.lineTo(...p); else { g.moveTo(...p); started = true; } } });
      for (let k = se.lo.length - 1; k >= 0; k--) if (finite(se.lo[k])) g.lineTo(X(seriesX(se, k)), Y(se.lo[k]));
      g.closePath(); g.fill(); g.globalAlpha = 1;
    }
  }
  g.textAlign = "left";
  let lx = left + 4;
  for (const se of c.series) {
    if (se.faint) { line(se.values, se.color, 1, 0.3, se); continue; }
    if (se.smooth > 1) {
      line(se.values, se.color, 1, 0.35, se);
      line(movingAverage(se.values, se.smooth), se.color, 2, 1, se);
    } else line(se.values, se.color, 2, 1, se);
    if (c.series.length > 1) {
      g.fillStyle = se.color;
      g.fillText(se.name, lx, 11);
      lx += g.measureText(se.name).width + 10;
    }
  }
  charts[i] = {c, X, x0, x1, left, pw, seriesX};
}

// hover shows the values under the mouse.
function hover(i, e, tip) {
  const d = charts[i];
  if (!d) return;
  const r = e.target.getBoundingClientRect();
  const px = e.clientX - r.left;
  const x = d.x0 + (px - d.left) / d.pw * (d.x1 - d.x0);
  const parts = [];
  for (const se of d.c.series) {
    if (se.faint) continue;
    let best = -1, bd = Infinity;
    se.values.forEach((v, k) => { const dd = Math.abs(d.seriesX(se, k) - x); if (v !== null && dd < bd) { bd = dd; best = k; } });
    if (best < 0) continue;
    let text = `${se.name}: ${fmt(se.values[best], 4)}`;
    if (se.lo) text += ` (${fmt(se.lo[best], 3)} – ${fmt(se.hi[best], 3)})`;
    parts.push(text);
    if (parts.length === 1) parts.unshift(`${d.c.xlabel} ${fmt(d.seriesX(se, best), 0)}`);
  }
  if (!parts.length) { tip.hidden = true; return; }
  tip.textContent = parts.join(" · ");
  tip.hidden = false;
  tip.style.left = Math.min(px + 8, r.width - tip.offsetWidth - 4) + "px";
}

function drawCharts(s) {
  buildCharts(s);
  (s.charts || []).forEach((c, i) => {
    const el = $("chart-" + i);
    if (!el) return;
    const note = $("chart-note-" + i);
    if (note && note.textContent !== c.note) note.textContent = c.note;
    drawChart(c, el, i);
  });
}

// --- a linear method's features, as TensorFlow Playground shows its inputs:
// one small map per basis function, coloured on its own range, with its weight.
let featureKey = "";
function renderFeatures(s) {
  const list = s.features || [];
  $("features-box").hidden = list.length === 0;
  if (!list.length) return;
  const box = $("features");
  const key = list.map((f) => f.label).join("|") + s.rows + "x" + s.cols;
  if (key !== featureKey) {
    featureKey = key;
    box.textContent = "";
    list.forEach((f, i) => {
      const fig = document.createElement("figure");
      const c = document.createElement("canvas");
      c.width = s.cols; c.height = s.rows;
      c.id = "feature-" + i;
      c.setAttribute("aria-label", "feature " + f.label);
      const cap = document.createElement("figcaption");
      cap.id = "feature-cap-" + i;
      fig.append(c, cap);
      box.append(fig);
    });
  }
  list.forEach((f, i) => {
    const c = $("feature-" + i), g = c.getContext("2d");
    const img = g.createImageData(s.cols, s.rows);
    let big = 1e-12;
    for (const v of f.cells) if (v !== null) big = Math.max(big, Math.abs(v));
    f.cells.forEach((v, k) => {
      const t = v === null ? 0 : v / big;
      const end = t < 0 ? [33, 102, 172] : [230, 97, 1];
      const a = Math.abs(t);
      const rgb = v === null ? [51, 54, 61] : [0, 1, 2].map((j) => Math.round(247 + (end[j] - 247) * a));
      img.data.set([...rgb, 255], 4 * k);
    });
    g.putImageData(img, 0, 0);
    $("feature-cap-" + i).textContent = `${f.label} · w ${f.weights.map((w) => fmt(w, 2)).join(", ")}`;
    $("feature-cap-" + i).title = f.label;
  });
}

// --- the inspector
function renderInspector(s) {
  const box = $("inspector");
  const grid = s.scene === "grid" || s.scene === "learn";
  $("inspector-title").hidden = !grid;
  box.hidden = !grid;
  $("right").classList.toggle("inspecting", !!s.selected);
  const sel = s.selected;
  if (!sel) {
    if (!box.querySelector(".hint")) box.innerHTML = '<p class="hint">Click a cell to see v(s), q(s,a) and where each action leads.</p>';
    return;
  }
  const esc = (t) => String(t).replace(/[&<>"]/g, (ch) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[ch]));
  let html = `<p><b>cell (${sel.row}, ${sel.col})</b> · ${esc(sel.kind)}</p>`;
  if (sel.v === undefined || !sel.actions) {
    box.innerHTML = html + '<p class="hint">Not a state: the agent never stands here.</p>';
    return;
  }
  html += `<p class="v">v(s) = ${fmt(sel.v, 4)}</p>`;
  if (sel.learn) {
    const l = sel.learn;
    html += `<p>v*(s) = ${fmt(l.vstar, 4)} · visits ${l.visits}` + (l.trace ? ` · trace ${fmt(l.trace, 3)}` : "") + "</p>";
    html += `<p>greedy action: <b>${esc(l.greedy)}</b> ` + (l.greedyOptimal ? "(optimal)" : '<span class="bad">(not optimal)</span>') + "</p>";
  }
  let best = -Infinity;
  for (const a of sel.actions) if (a.q !== null && a.q > best) best = a.q;
  const model = !sel.learn;
  html += "<table><tr><th>action</th><th>π(a|s)</th><th>q(s,a)</th>" + (model ? "<th>r</th><th>next</th>" : "") + "</tr>";
  for (const a of sel.actions) {
    const outs = a.outcomes || [];
    // With slip, one line per outcome: probability, reward, next cell.
    const r = outs.map((o) => (outs.length > 1 ? fmt(o.Prob, 2) + " · " : "") + fmt(o.Reward, 2)).join("<br>");
    const nx = outs.map((o) => `(${o.Row},${o.Col})`).join("<br>");
    const cls = a.q !== null && Math.abs(a.q - best) < 1e-9 ? ' class="best"' : "";
    html += `<tr${cls}><td>${esc(a.name)}</td><td>${fmt(a.pi, 2)}</td><td>${fmt(a.q, 4)}</td>` + (model ? `<td class="r">${r}</td><td>${nx}</td>` : "") + "</tr>";
  }
  html += "</table>";
  box.innerHTML = html;
}

// --- comparisons: several seeds, or two setups A and B
function fillCompareKeys(s) {
  const sel = $("cmp-key");
  const keep = sel.value;
  sel.textContent = "";
  sel.add(new Option("— nothing —", ""));
  for (const p of s.params) if (p.key !== "seed") sel.add(new Option(p.label, p.key));
  if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  const algo = $("cmp-algo");
  const keepA = algo.value;
  algo.textContent = "";
  algo.add(new Option("— the same —", ""));
  for (const g of s.algorithmGroups || []) for (const it of g.items) if (it.key !== s.algorithm) algo.add(new Option(it.label, it.key));
  if ([...algo.options].some((o) => o.value === keepA)) algo.value = keepA;
  showCompareValue();
}
// A choice parameter is changed through a menu of its choices.
function showCompareValue() {
  const p = status && status.params.find((x) => x.key === $("cmp-key").value);
  const choice = !!p && p.kind === "choice";
  $("cmp-value").hidden = choice;
  $("cmp-choice").hidden = !choice;
  if (choice) {
    const c = $("cmp-choice");
    c.textContent = "";
    p.choices.forEach((name, i) => c.add(new Option(name, String(i))));
  }
}
$("cmp-key").addEventListener("change", showCompareValue);
$("cmp-start").addEventListener("click", (e) => {
  const n = Math.max(1, Math.min(8, Math.round(Number($("cmp-seeds").value) || 2)));
  const q = new URLSearchParams();
  q.set("seeds", n === 1 ? "1" : `1-${n}`);
  const key = $("cmp-key").value;
  if (key) {
    const choice = !$("cmp-choice").hidden;
    const text = choice ? $("cmp-choice").value : $("cmp-value").value;
    const v = Number(text);
    if (text.trim() === "" || isNaN(v)) { local(`error: setup B needs a number for ${key}`); return; }
    q.set("b." + key, String(v));
  }
  if ($("cmp-algo").value) q.set("b.algorithm", $("cmp-algo").value);
  const stop = Number($("cmp-stop").value);
  if (stop > 0) q.set("stop", String(Math.round(stop)));
  call("compare", q.toString());
  release(e.target);
});
$("cmp-end").addEventListener("click", (e) => { call("endCompare"); release(e.target); });
let runsKey = "";
function renderRuns(s) {
  const runs = s.runs || [];
  const box = $("runs");
  $("cmp-end").hidden = !s.compare;
  const key = JSON.stringify(runs.map((r) => [r.id, r.group, r.seed, !!r.failed, r.crashed ? 1 : 0])) + s.selectedRun;
  if (key === runsKey) return;
  runsKey = key;
  box.textContent = "";
  if (runs.length < 2) return;
  for (const r of runs) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "run" + (r.id === s.selectedRun ? " on" : "") + (r.group === "B" ? " b" : "");
    b.textContent = `${r.group} · seed ${r.seed}` + (r.failed || r.crashed ? " ⚠" : "");
    b.title = r.failed || r.crashed || "draw this run";
    b.addEventListener("click", () => { call("selectRun", r.id); release(b); });
    box.append(b);
  }
}

// --- status line and counter
function renderStatusLine() {
  const s = status;
  const el = $("status");
  el.textContent = "";
  const add = (text, cls) => {
    const span = document.createElement("span");
    span.textContent = text;
    if (cls) span.className = cls;
    el.append(span);
    return span;
  };
  if (s && s.ready) {
    for (const m of s.line || []) add(m.text, m.class);
    if (s.worker === "worker") add("in a worker", "muted").title = "the run steps in a Web Worker, off the page's thread";
  }
  const now = performance.now();
  recent = recent.filter((n) => n.until > now);
  // A run to restart: a host that stopped, or a method that crashed.
  for (const r of (s && s.runs) || []) {
    if (r.failed || r.crashed) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "restart";
      b.textContent = `restart run ${r.id}`;
      b.title = r.failed || r.crashed;
      b.addEventListener("click", () => call("restart", r.id));
      el.append(b);
    }
  }
  if (s && s.ready && s.diverged) add("diverged: " + s.diverged, "error");
  if (recent.length) {
    const last = recent[recent.length - 1];
    add(last.text, last.error ? "error" : "notice");
    if (recent.length > 1) {
      const more = add(`and ${recent.length - 1} more`, "more");
      more.tabIndex = 0;
      more.title = recent.slice(0, -1).map((n) => n.text).join("\n");
      more.addEventListener("click", () => { $("notices").hidden = !$("notices").hidden; });
    }
  }
  const list = $("notices");
  list.textContent = "";
  for (const n of recent) {
    const li = document.createElement("li");
    li.textContent = n.text;
    if (n.error) li.className = "error";
    list.append(li);
  }
}

// takeNotices moves the notices the page has not shown onto the status
// line: every one, not only the last (errors stay longer).
function takeNotices(s) {
  for (const n of s.notices || []) {
    if (n.seq <= shownSeq) continue;
    recent.push({text: n.text, error: n.error, until: performance.now() + (n.error ? 20000 : 6000)});
  }
  shownSeq = Math.max(shownSeq, s.noticeSeq || 0);
  if (recent.length > 20) recent = recent.slice(-20);
}

let worldFileId = -1;
function update() {
  if (!api) {
    try { api = frame.contentWindow && frame.contentWindow.bellman; } catch (e) { api = null; }
    if (!api) return;
  }
  let s;
  try { s = JSON.parse(api.status()); } catch (e) { local("error: " + e); return; }
  takeNotices(s);
  if (!s.ready) {
    if (s.error) local("error: " + s.error);
    renderStatusLine();
    return;
  }
  status = s;
  buildPickers(s);
  fillLessons();
  renderLesson(s);
  if (s.version !== version) {
    version = s.version;
    buildParams(s);
  }
  syncParams(s);
  syncLayers(s);
  $("play").textContent = s.playing ? "❚❚ pause" : "▶ play";
  $("counter").textContent = s.counter || "";
  const grid = s.scene === "grid";
  $("step").title = grid ? "run one sweep (s)" : "take one step (s)";
  $("reset").title = grid ? "start again from v = 0 (r)" : "start learning again (r)";
  $("world-file").hidden = !(s.scene === "grid" || s.scene === "learn");
  const sp = $("speed");
  if (document.activeElement !== sp) sp.value = sliderFromSpeed(s.speed);
  $("speed-out").textContent = speedText(s.speed);
  renderStatusLine();
  drawCharts(s);
  renderInspector(s);
  renderFeatures(s);
  renderRuns(s);
  renderTimeline(s);
  renderPaint(s);
  renderPrefs(s);
  takeFiles(s);
  applyTeacher(s);
  if (reduced && reduced.matches !== motionSent) { motionSent = reduced.matches; call("motion", !reduced.matches); }
  const text = $("world-text");
  if (s.worldFileId !== undefined && s.worldFileId !== worldFileId && document.activeElement !== text) {
    worldFileId = s.worldFileId;
    text.value = api.worldFile();
  }
  writeHash(s);
}

// --- the address: #world=zhao-5x5&algorithm=vi&gamma=0.9 (a shareable
// setup). The game reads and writes it; the page writes it once the
// status reflects every change made (synced), and only after the address
// the page opened with has been applied.
let addressApplied = false;
function writeHash(s) {
  if (!addressApplied || !s.synced || s.frame < calledAt || s.address === undefined) return;
  if ("#" + s.address !== location.hash) history.replaceState(null, "", "#" + s.address);
}

// --- painting the world on the canvas
for (const r of document.querySelectorAll('#palette input[name="paint"]')) {
  r.addEventListener("change", () => {
    if (api && api.paintMode) api.paintMode(r.value);
    release(r);
  });
}
for (const b of document.querySelectorAll("#paint button[data-shape]")) {
  b.addEventListener("click", () => { call("reshape", b.dataset.shape); release(b); });
}
// A world that cannot be painted (a control task, the lab) ends painting.
function renderPaint(s) {
  const grid = s.scene === "grid" || s.scene === "learn";
  $("paint").hidden = !grid;
  if (!grid && api && api.paintMode) {
    const sel = document.querySelector('#palette input[name="paint"]:checked');
    if (sel && sel.value !== "") { document.querySelector('#palette input[value=""]').checked = true; api.paintMode(""); }
  }
}

// --- the timeline: the run keeps moments to scrub back to while it goes on
$("timeline-range").addEventListener("input", (e) => call("timeline", Number(e.target.value)));
$("timeline-live").addEventListener("click", (e) => { call("timeline", -1); release(e.currentTarget); });
function renderTimeline(s) {
  const steps = s.timelineSteps || [];
  const box = $("timeline");
  box.hidden = steps.length < 2;
  if (box.hidden) return;
  const r = $("timeline-range");
  r.max = String(steps.length - 1);
  const past = s.timelineAt >= 0;
  box.classList.toggle("past", past);
  if (document.activeElement !== r) r.value = String(past ? s.timelineAt : steps.length - 1);
  $("timeline-out").textContent = past ? `step ${fmt(steps[s.timelineAt], 0)} of ${fmt(s.liveSteps, 0)} (live goes on)` : "live";
  $("timeline-live").disabled = !past;
}

// --- exports: curves as CSV here; the picture and the report from the game
function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], {type}));
  const a = document.createElement("a");
  a.href = url; a.download = name;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
function curvesCSV(s) {
  const rows = ["chart,series,x,y"];
  const q = (t) => `"${String(t).replace(/"/g, '""')}"`;
  for (const c of s.charts || []) for (const se of c.series) {
    se.values.forEach((v, i) => {
      const x = se.x ? se.x[i] : c.x0 + i;
      rows.push([q(c.title), q(se.name), x === null ? "" : x, v === null ? "" : v].join(","));
    });
  }
  return rows.join("\n") + "\n";
}
$("export-csv").addEventListener("click", (e) => {
  if (status) download(`bellman-${status.world}-${status.algorithm}-curves.csv`, "text/csv", curvesCSV(status));
  release(e.currentTarget);
});
$("export-png").addEventListener("click", (e) => { call("png"); release(e.currentTarget); });
$("export-report").addEventListener("click", (e) => { call("export", "report"); release(e.currentTarget); });
let fileSeq = 0;
let keepAs = null; // a slot name: the next agent file goes there, not to a download
function takeFiles(s) {
  if (!s.file || s.file.seq === fileSeq || !api.takeFile) return;
  fileSeq = s.file.seq;
  const f = api.takeFile();
  if (!f) return;
  if (keepAs && f.name.endsWith("-agent.json")) {
    try {
      localStorage.setItem("bellman-slot:" + keepAs, new TextDecoder().decode(f.data));
      local(`kept as "${keepAs}" in this browser`);
    } catch (e) { local("error: this browser would not keep it (" + e.name + "): download it instead"); }
    keepAs = null;
    renderSlots();
    return;
  }
  download(f.name, f.type, f.data);
}
$("export-traj").addEventListener("click", (e) => { call("export", "trajectories"); release(e.currentTarget); });
$("agent-save").addEventListener("click", (e) => { call("export", "agent"); release(e.currentTarget); });
$("agent-load").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (file) call("import", "agent", await file.text());
  e.target.value = "";
});
$("slot-save").addEventListener("click", (e) => {
  const name = $("slot-name").value.trim() || `${status ? status.world + " " + status.algorithm : "agent"} ${new Date().toLocaleTimeString()}`;
  keepAs = name;
  call("export", "agent");
  release(e.currentTarget);
});
function renderSlots() {
  const box = $("slots");
  box.textContent = "";
  let keys = [];
  try { keys = Object.keys(localStorage).filter((k) => k.startsWith("bellman-slot:")).sort(); } catch (e) { return; }
  for (const k of keys) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = k.slice("bellman-slot:".length);
    const load = document.createElement("button");
    load.type = "button"; load.textContent = "load";
    load.addEventListener("click", () => call("import", "agent", localStorage.getItem(k)));
    const del = document.createElement("button");
    del.type = "button"; del.textContent = "×"; del.title = "forget it";
    del.addEventListener("click", () => { localStorage.removeItem(k); renderSlots(); });
    li.append(name, load, del);
    box.append(li);
  }
}
renderSlots();

// --- labelling preferences: a person compares two trajectories
$("pair-draw").addEventListener("click", (e) => { call("pair"); release(e.currentTarget); });
$("pair-a").addEventListener("click", (e) => { labelPair(true); release(e.currentTarget); });
$("pair-b").addEventListener("click", (e) => { labelPair(false); release(e.currentTarget); });
$("labels-save").addEventListener("click", (e) => { call("export", "labels"); release(e.currentTarget); });
$("labels-load").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (file) call("import", "labels", await file.text());
  e.target.value = "";
});
function labelPair(a) {
  const p = status && status.pair;
  if (!p || !p.pending) { local("draw a pair first"); return; }
  call("label", p.index, a);
}
function renderPrefs(s) {
  const prefsMethod = (s.algorithmGroups || []).some((g) => g.label.startsWith("Learning from preferences") && g.items.some((i) => i.key === s.algorithm));
  $("prefs-box").hidden = !prefsMethod;
  if (!prefsMethod) return;
  const p = s.pair;
  $("pair-a").disabled = $("pair-b").disabled = !(p && p.pending);
  let info = "No pair drawn yet.";
  if (p && p.pending) info = `Pair ${p.index}: ${p.steps} steps each. Which is better?`;
  else if (p) info = `Pair ${p.index}: ${p.p === 1 ? "A" : p.p === 0 ? "B" : "a tie"} preferred` + (p.person ? " (by you)" : " (by the judge)") +
    ` · true returns A ${fmt(p.returnA, 2)}, B ${fmt(p.returnB, 2)}`;
  $("pair-info").textContent = info;
}

// --- a teacher's link: controls hidden or locked (the game refuses
// changes to locked ones, whatever asks)
const FIXED = [["world", "world picker"], ["algorithm", "algorithm picker"], ["lesson", "lessons"], ["speed", "speed"],
  ["buttons", "play, step, reset"], ["params", "every parameter"], ["layers", "every layer"], ["charts", "charts"],
  ["inspector", "inspector"], ["world-file", "world file editor"], ["compare", "comparisons"]];
function controlElements(id) {
  const up = (el) => el && (el.closest("label") || el);
  const byId = (...ids) => ids.map((x) => $(x)).filter(Boolean);
  switch (id) {
    case "world": return [up($("world"))];
    case "algorithm": return [up($("algorithm"))];
    case "lesson": return byId("lesson", "lesson-card").concat([$("lesson").previousElementSibling].filter(Boolean));
    case "speed": return [document.querySelector(".speed")];
    case "buttons": return [document.querySelector(".bar .buttons")];
    case "params": return byId("params");
    case "layers": return byId("layers", "layers-title");
    case "charts": return byId("charts");
    case "inspector": return byId("inspector", "inspector-title");
    case "world-file": return byId("world-file");
    case "compare": return byId("compare");
  }
  if (id.startsWith("param:")) return [...document.querySelectorAll(`.param[data-key="${CSS.escape(id.slice(6))}"]`)];
  if (id.startsWith("layer:")) return [up($("layer-" + id.slice(6)))].filter(Boolean);
  return [];
}
let teacherKey = "";
function applyTeacher(s) {
  const key = JSON.stringify([s.hide, s.lock, version, layerKey]);
  if (key === teacherKey) return;
  teacherKey = key;
  document.querySelectorAll(".teacher-hidden").forEach((el) => el.classList.remove("teacher-hidden"));
  document.querySelectorAll(".is-locked").forEach((el) => {
    el.classList.remove("is-locked");
    el.querySelectorAll("[data-locked]").forEach((x) => { x.disabled = false; delete x.dataset.locked; });
  });
  for (const id of s.hide || []) for (const el of controlElements(id)) el.classList.add("teacher-hidden");
  for (const id of s.lock || []) for (const el of controlElements(id)) {
    el.classList.add("is-locked");
    el.title = "locked by the teacher's link";
    const inputs = el.matches("input, select, button, textarea") ? [el] : el.querySelectorAll("input, select, button, textarea");
    for (const x of inputs) { x.disabled = true; x.dataset.locked = "1"; }
  }
}
function shareLink() {
  const hide = [...document.querySelectorAll("#share-controls input[data-kind=hide]:checked")].map((x) => x.dataset.id);
  const lock = [...document.querySelectorAll("#share-controls input[data-kind=lock]:checked")].map((x) => x.dataset.id);
  const q = (status && status.address ? status.address : "").split("&").filter((p) => p && !p.startsWith("hide=") && !p.startsWith("lock="));
  if (hide.length) q.push("hide=" + encodeURIComponent(hide.join(",")));
  if (lock.length) q.push("lock=" + encodeURIComponent(lock.join(",")));
  $("share-link").value = location.origin + location.pathname + "#" + q.join("&");
}
function openShare() {
  const s = status;
  if (!s) return;
  const rows = FIXED.slice();
  for (const p of s.params) rows.push(["param:" + p.key, p.label]);
  for (const l of s.layerList || []) rows.push(["layer:" + l.key, "layer: " + l.label]);
  const body = document.querySelector("#share-controls tbody");
  body.textContent = "";
  for (const [id, label] of rows) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.textContent = label;
    tr.append(td);
    for (const kind of ["hide", "lock"]) {
      const c = document.createElement("td");
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.dataset.id = id; cb.dataset.kind = kind;
      cb.checked = (s[kind] || []).includes(id);
      cb.setAttribute("aria-label", `${kind} ${label}`);
      cb.addEventListener("change", shareLink);
      c.append(cb);
      tr.append(c);
    }
    body.append(tr);
  }
  shareLink();
  $("share-panel").hidden = false;
}
$("share").addEventListener("click", (e) => { openShare(); release(e.currentTarget); });
$("share-close").addEventListener("click", () => { $("share-panel").hidden = true; });
$("share-copy").addEventListener("click", async () => {
  const text = $("share-link").value;
  try { await navigator.clipboard.writeText(text); local("link copied"); }
  catch (e) { $("share-link").select(); local("select the link and copy it (the clipboard is not available here)"); }
});

// --- presenter view and the keyboard list
function presenter(on) {
  document.body.classList.toggle("presenter", on);
  $("presenter").setAttribute("aria-pressed", String(on));
  call("presenter", on);
}
$("presenter").addEventListener("click", (e) => { presenter(!document.body.classList.contains("presenter")); release(e.currentTarget); });
$("help").addEventListener("click", (e) => { $("help-panel").hidden = !$("help-panel").hidden; release(e.currentTarget); });
$("help-close").addEventListener("click", () => { $("help-panel").hidden = true; });

// --- buttons and keys
const button = (id, fn) => $(id).addEventListener("click", (e) => { fn(); release(e.currentTarget); });
button("play", () => call("toggle"));
button("step", () => call("step"));
button("reset", () => call("reset"));
// A successful load changes the world file the game reports, which then
// replaces the text; a failed one leaves the person's edits in place.
button("world-load", () => call("load", $("world-text").value));
$("speed").addEventListener("input", (e) => {
  const s = speedFromSlider(e.target.value);
  $("speed-out").textContent = speedText(s);
  call("speed", s);
});
$("speed").addEventListener("change", (e) => release(e.target));
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (t && (t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable ||
            (t.tagName === "INPUT" && t.type !== "range" && t.type !== "checkbox"))) return;
  if (e.key === " " && t && (t.tagName === "BUTTON" || t.tagName === "SUMMARY")) return; // space presses it
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === " ") { call("toggle"); e.preventDefault(); }
  else if (e.key === "s") call("step");
  else if (e.key === "r") call("reset");
  else if (e.key === "p") presenter(!document.body.classList.contains("presenter"));
  else if (e.key === "?") $("help-panel").hidden = !$("help-panel").hidden;
  else if (e.key === "l") call("timeline", -1);
  else if (e.key === "Escape") { $("help-panel").hidden = true; $("share-panel").hidden = true; }
  else if (status && status.pair && status.pair.pending && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
    labelPair(e.key === "ArrowLeft"); e.preventDefault();
  }
  else if (MOVES[e.key] !== undefined) { call("act", MOVES[e.key]); e.preventDefault(); }
});
// Arrow keys move the agent yourself: up, right, down, left, and "." stays.
const MOVES = {ArrowUp: 0, ArrowRight: 1, ArrowDown: 2, ArrowLeft: 3, ".": 4};
// Motion for those who asked for less: the agent jumps between cells.
const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
let motionSent = null; // what the game was told
window.addEventListener("hashchange", () => { call("address", location.hash); });
// Keys pressed while the canvas has the focus: the game takes space, s and
// r itself; the page's own (p, ?, l, arrows, Esc) come here.
frame.addEventListener("load", () => {
  try {
    frame.contentDocument.addEventListener("keydown", (e) => {
      if (" sr".includes(e.key) || e.ctrlKey || e.metaKey || e.altKey) return;
      document.dispatchEvent(new KeyboardEvent("keydown", {key: e.key}));
      if (e.key.startsWith("Arrow")) e.preventDefault();
    });
  } catch (err) { /* another origin: the page's keys only */ }
});

// A first visit gets a hint where to start.
try {
  if (!localStorage.getItem("bellman-visited")) {
    $("start-here").hidden = false;
    localStorage.setItem("bellman-visited", "1");
  }
} catch (e) { /* storage may be off */ }
$("start-here-close").addEventListener("click", () => { $("start-here").hidden = true; });

setInterval(() => {
  update();
  if (api && !addressApplied && status) {
    addressApplied = true;
    if (location.hash.length > 1) call("address", location.hash);
  }
}, 100);
