// The page around the game: controls generated from the parameter schema,
// the convergence chart, the inspector and the status line. The game runs in
// the iframe; window.bellman there queues commands and returns its status.
"use strict";

const $ = (id) => document.getElementById(id);
const frame = $("game");
let api = null;          // the iframe's window.bellman
let status = null;       // the last status
let version = -1;        // schema version the controls were built for
let lastNotice = 0;      // notice sequence already shown
let noticeText = "";
let noticeClass = "notice";
let dragging = null;     // key of the control being edited

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

// --- formatting
function fmt(x, digits = 3) {
  if (x === null || x === undefined) return "—";
  if (!isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2).replace(/\.?0+e/, "e");
  return Number(x.toFixed(digits)).toString();
}

// --- the bridge
function call(name, ...args) {
  if (!api) return;
  try { api[name](...args); } catch (e) { show("error: " + e, "error"); }
}

function show(text, cls = "notice") {
  noticeText = text;
  noticeClass = text.startsWith("error") ? "error" : cls;
  renderStatusLine();
}

window.bellmanFailed = (msg) => show("error: the simulation could not start: " + msg, "error");

// --- controls
let pickerKey = "";
function fillPicker(select, groups) {
  select.textContent = "";
  for (const g of groups) {
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
  const key = JSON.stringify([s.worldGroups, s.algorithmGroups].map((gs) => gs.map((g) => g.items.map((i) => i.key))));
  if (key !== pickerKey) {
    pickerKey = key;
    fillPicker(world, s.worldGroups);
    fillPicker(algo, s.algorithmGroups);
    world.onchange = () => { call("world", world.value); saveHash(); };
    algo.onchange = () => { call("algorithm", algo.value); saveHash(); };
  }
  if (document.activeElement !== world && [...world.options].some((o) => o.value === s.world)) world.value = s.world;
  if (document.activeElement !== algo) algo.value = s.algorithm;
}

// --- lessons: ready-made setups, listed once from the game
let lessonsFilled = false;
function fillLessons() {
  if (lessonsFilled || !api || !api.lessons) return;
  let list;
  try { list = JSON.parse(api.lessons()); } catch (e) { return; }
  lessonsFilled = true;
  const sel = $("lesson");
  for (const l of list) {
    const o = new Option(l.title, l.key);
    o.title = l.source;
    sel.append(o);
  }
  sel.onchange = () => {
    call("lesson", sel.value); // "" ends the lesson, keeping the scene
    saveHash();
    sel.blur(); // so that space, s and r reach the game again
  };
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

// A slider position maps to a value linearly, or on a log scale.
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

function buildParams(s) {
  const box = $("params");
  box.textContent = "";
  for (const p of s.params) {
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
      // A choice is a menu of its names; its value is the index.
      const sel = document.createElement("select");
      sel.id = id;
      sel.title = p.help;
      p.choices.forEach((c, i) => sel.add(new Option(c, String(i))));
      sel.addEventListener("change", () => { call("set", p.key, Number(sel.value)); saveHash(); });
      head.append(label, sel);
      row.append(head, help);
      box.append(row);
      continue;
    }
    if (p.kind === "bool") {
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = id;
      cb.title = p.help;
      cb.addEventListener("change", () => { call("set", p.key, cb.checked ? 1 : 0); saveHash(); });
      head.append(label, cb);
      row.append(head, help);
      box.append(row);
      continue;
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
    if (p.log) { slider.min = 0; slider.max = 1000; slider.step = 1; }
    else { slider.min = p.min; slider.max = p.max; slider.step = p.step || "any"; }
    row.append(head, slider, help);
    box.append(row);

    slider.addEventListener("input", () => {
      dragging = p.key;
      const v = fromSlider(p, slider.value);
      num.value = fmt(v, 4);
      call("set", p.key, v);
    });
    slider.addEventListener("change", () => { dragging = null; saveHash(); });
    num.addEventListener("focus", () => { dragging = p.key; });
    num.addEventListener("blur", () => { dragging = null; });
    num.addEventListener("change", () => {
      const v = Number(num.value);
      call("set", p.key, num.value.trim() === "" || isNaN(v) ? NaN : v);
      saveHash();
    });
  }
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

// --- charts: whatever the scene publishes, each a few series on one x axis
let chartKey = "";
function buildCharts(s) {
  const key = (s.charts || []).map((c) => c.title).join("|");
  if (key === chartKey) return;
  chartKey = key;
  const box = $("charts");
  box.textContent = "";
  (s.charts || []).forEach((c, i) => {
    const h = document.createElement("h2");
    h.innerHTML = "";
    h.append(c.title + " ");
    const small = document.createElement("small");
    small.textContent = c.note;
    h.append(small);
    const canvas = document.createElement("canvas");
    canvas.className = "chart";
    canvas.id = "chart-" + i;
    canvas.setAttribute("aria-label", c.title + " chart");
    box.append(h, canvas);
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

function drawChart(c, canvas) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const ok = (x) => x !== null && (!c.log || x > 0);
  const all = [];
  let n = 0;
  for (const se of c.series) { n = Math.max(n, se.values.length); for (const x of se.values) if (ok(x)) all.push(x); }
  if (c.line !== null && c.lineLabel && ok(c.line)) all.push(c.line);
  const left = 44, right = 8, top = 8, bottom = 22;
  const pw = w - left - right, ph = h - top - bottom;
  let lo, hi;
  const tr = c.log ? Math.log10 : (x) => x;
  if (all.length === 0) { lo = 0; hi = 1; }
  else {
    lo = Math.min(...all.map(tr)); hi = Math.max(...all.map(tr));
    if (c.log) { lo = Math.floor(lo); hi = Math.ceil(hi); }
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  }
  if (c.fixed) { lo = tr(c.ymin); hi = tr(c.ymax); }
  // Series may carry their own x (thinned curves); otherwise x is x0 + index.
  let x0 = c.x0, x1 = c.x0 + Math.max(n - 1, 0);
  const xs = c.series.find((se) => se.x && se.x.length);
  if (xs) { x0 = Math.min(...xs.x); x1 = Math.max(...xs.x); }
  const X = (i, se) => {
    const x = se && se.x ? se.x[i] : c.x0 + i;
    return left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0) * pw;
  };
  const Y = (v) => top + (hi - tr(v)) / (hi - lo) * ph;
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#6b6b70";
  g.strokeStyle = "#ecece8";
  g.lineWidth = 1;
  const ticks = [];
  if (c.log) { const every = Math.max(1, Math.ceil((hi - lo) / 6)); for (let e = lo; e <= hi; e += every) ticks.push([Math.pow(10, e), "1e" + e]); }
  else {
    const digits = Math.max(0, Math.min(3, 2 - Math.floor(Math.log10(Math.max(hi - lo, 1e-9)))));
    for (let k = 0; k <= 4; k++) { const v = lo + (hi - lo) * k / 4; ticks.push([v, v.toFixed(digits)]); }
  }
  for (const [v, label] of ticks) {
    const y = Y(v);
    g.beginPath(); g.moveTo(left, y); g.lineTo(w - right, y); g.stroke();
    g.fillText(label, 2, y + 4);
  }
  if (c.line !== null && c.lineLabel && ok(c.line)) {
    g.strokeStyle = "#107a3a"; g.setLineDash([4, 3]);
    g.beginPath(); g.moveTo(left, Y(c.line)); g.lineTo(w - right, Y(c.line)); g.stroke();
    g.setLineDash([]);
  }
  g.fillStyle = "#6b6b70";
  const first = c.xlabel + " " + Math.round(x0), last = c.xlabel + " " + Math.round(x1);
  g.fillText(first, left, h - 6);
  g.fillText(last, w - right - g.measureText(last).width, h - 6);
  const line = (vals, color, width, alpha, se) => {
    g.strokeStyle = color; g.lineWidth = width; g.globalAlpha = alpha;
    g.beginPath();
    let pen = false;
    vals.forEach((v, i) => {
      if (!ok(v)) { pen = false; return; }
      const x = X(i, se), y = Y(v);
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    });
    g.stroke();
    g.globalAlpha = 1;
  };
  let lx = left + 4;
  for (const se of c.series) {
    if (se.smooth > 1) {
      line(se.values, se.color, 1, 0.35, se);
      line(movingAverage(se.values, se.smooth), se.color, 2, 1, se);
    } else line(se.values, se.color, 2, 1, se);
    if (c.series.length > 1) {
      g.fillStyle = se.color;
      g.fillText(se.name, lx, top + 10);
      lx += g.measureText(se.name).width + 10;
    }
  }
}

function drawCharts(s) {
  buildCharts(s);
  (s.charts || []).forEach((c, i) => { const el = $("chart-" + i); if (el) drawChart(c, el); });
}

// --- the inspector
function renderInspector(s) {
  const box = $("inspector");
  $("inspector-title").hidden = s.scene === "control" || s.scene === "lab";
  box.hidden = $("inspector-title").hidden;
  const sel = s.selected;
  if (!sel) {
    if (!box.querySelector(".hint")) box.innerHTML = '<p class="hint">Click a cell to see v(s), q(s,a) and where each action leads.</p>';
    return;
  }
  let html = `<p><b>cell (${sel.row}, ${sel.col})</b> · ${sel.kind}</p>`;
  if (sel.v === undefined || sel.actions === null || sel.actions === undefined) {
    box.innerHTML = html + '<p class="hint">Not a state: the agent never stands here.</p>';
    return;
  }
  html += `<p class="v">v(s) = ${fmt(sel.v, 4)}</p>`;
  if (sel.learn) {
    const l = sel.learn;
    html += `<p>v*(s) = ${fmt(l.vstar, 4)} · visits ${l.visits}` + (l.trace ? ` · trace ${fmt(l.trace, 3)}` : "") + "</p>";
    html += `<p>greedy action: <b>${l.greedy}</b> ` + (l.greedyOptimal ? "(optimal)" : '<span class="bad">(not optimal)</span>') + "</p>";
  }
  let best = -Infinity;
  for (const a of sel.actions) if (a.q !== null && a.q > best) best = a.q;
  const model = !sel.learn;
  html += "<table><tr><th>action</th><th>π(a|s)</th><th>q(s,a)</th>" + (model ? "<th>r</th><th>next</th>" : "") + "</tr>";
  for (const a of sel.actions) {
    const outs = a.outcomes || [];
    const r = outs.map((o) => (outs.length > 1 ? fmt(o.Prob, 2) + "·" : "") + fmt(o.Reward, 2)).join(" + ");
    const nx = outs.map((o) => `(${o.Row},${o.Col})`).join(" ");
    const cls = a.q !== null && Math.abs(a.q - best) < 1e-9 ? ' class="best"' : "";
    html += `<tr${cls}><td>${a.name}</td><td>${fmt(a.pi, 2)}</td><td>${fmt(a.q, 4)}</td>` + (model ? `<td>${r}</td><td>${nx}</td>` : "") + "</tr>";
  }
  html += "</table>";
  box.innerHTML = html;
}

// Updates per second of the control agent, measured over the last second.
let upd = {t: 0, n: 0, rate: 0};
function updatesPerSec(c) {
  const now = performance.now();
  if (now - upd.t >= 1000) {
    if (upd.t && c.updates >= upd.n) upd.rate = (c.updates - upd.n) * 1000 / (now - upd.t);
    upd = {t: now, n: c.updates, rate: upd.rate};
  }
  return upd.rate;
}

// --- status line and counter
const ALGO_LABEL = {};
function renderStatusLine() {
  const s = status;
  const el = $("status");
  el.textContent = "";
  const add = (text, cls) => {
    const span = document.createElement("span");
    span.textContent = text;
    if (cls) span.className = cls;
    el.append(span);
  };
  if (s && s.ready && s.scene === "grid") {
    add(ALGO_LABEL[s.algorithm] || s.algorithm);
    add(`sweep ${s.sweeps}` + (s.algorithm === "pi" || s.algorithm === "tpi" ? ` · iteration ${s.iterations}` : ""));
    add(`max |Δv| ${fmt(s.delta, 3)}`);
    add(s.converged ? "converged" : (s.playing ? "running" : "paused"), s.converged ? "done" : "");
    add(`${s.stepsPerSec} sweeps/s · update ${fmt(s.updateMs, 2)} ms · draw ${fmt(s.drawMs, 2)} ms`);
  } else if (s && s.ready && s.scene === "learn") {
    const l = s.learn;
    add(ALGO_LABEL[s.algorithm] || s.algorithm);
    add(`episode ${l.episode} · step ${l.episodeStep} · return ${fmt(l.return, 2)}`);
    add(`ε ${fmt(l.epsilon, 3)}`);
    add(`optimal in ${Math.round(l.optimal * 100)}% of states · gap ${fmt(l.gap, 3)}`, l.optimal === 1 ? "done" : "");
    add(`${s.stepsPerSec} steps/s` + (s.playing ? "" : " · paused"));
  } else if (s && s.ready && s.scene === "lab") {
    add("stochastic approximation lab");
    add(`iteration k = ${s.sweeps}`);
    add(s.converged ? "all iterations shown" : (s.playing ? "running" : "paused"), s.converged ? "done" : "");
    add(`${s.stepsPerSec} iterations/s`);
  } else if (s && s.ready && s.scene === "control") {
    const c = s.control;
    add(ALGO_LABEL[s.algorithm] || s.algorithm);
    add(`episode ${c.episodes} · last return ${fmt(c.lastReturn, 1)}`);
    add(`${c.updates} updates · replay ${c.replayLen}/${c.replayCap}`);
    add(c.learning ? `exploration σ ${fmt(c.sigma, 2)}` : "random warm-up");
    add(`${s.stepsPerSec} steps/s · ${Math.round(updatesPerSec(c))} updates/s` + (s.playing ? "" : " · paused"));
  }
  if (s && s.ready && s.diverged) add("diverged: " + s.diverged, "error");
  else if (noticeText) add(noticeText, noticeClass);
}

function update() {
  if (!api) {
    try { api = frame.contentWindow && frame.contentWindow.bellman; } catch (e) { api = null; }
    if (!api) return;
  }
  let s;
  try { s = JSON.parse(api.status()); } catch (e) { show("error: " + e, "error"); return; }
  if (!s.ready) {
    if (s.error && noticeText !== "error: " + s.error) show("error: " + s.error, "error");
    return;
  }
  status = s;
  for (const g of s.algorithmGroups) for (const a of g.items) ALGO_LABEL[a.key] = a.label;
  buildPickers(s);
  fillLessons();
  renderLesson(s);
  if (hashAfterFrame !== null && s.frame >= hashAfterFrame) {
    hashAfterFrame = null;
    writeHash(s);
  }
  if (s.version !== version) {
    version = s.version;
    buildParams(s);
  }
  syncParams(s);
  syncLayers(s);
  const play = $("play");
  play.textContent = s.playing ? "❚❚ pause" : "▶ play";
  $("counter").textContent = s.scene === "grid" ? `sweep ${s.sweeps}` + (s.converged ? " ✓" : "")
    : s.scene === "learn" ? `episode ${s.learn.episode}`
    : s.scene === "lab" ? `k = ${s.sweeps}`
    : `step ${s.control.steps}`;
  $("step").title = s.scene === "grid" ? "run one sweep (s)" : "take one environment step (s)";
  $("reset").title = s.scene === "grid" ? "start again from v = 0 (r)" : "start learning again (r)";
  $("world-file").hidden = s.scene === "control" || s.scene === "lab";
  const sp = $("speed");
  if (document.activeElement !== sp) sp.value = sliderFromSpeed(s.speed);
  $("speed-out").textContent = speedText(s.speed);
  if (s.noticeSeq !== lastNotice) {
    lastNotice = s.noticeSeq;
    if (s.notice) show(s.notice);
  }
  renderStatusLine();
  drawCharts(s);
  renderInspector(s);
  const text = $("world-text");
  if (document.activeElement !== text && text.dataset.file !== s.worldFile) {
    text.value = s.worldFile;
    text.dataset.file = s.worldFile;
  }
}

// --- URL state: #world=zhao-5x5&algorithm=vi&gamma=0.9 (shareable setups)
// The address is written from the first status that comes after the
// change: the game applies commands on its next tick, which at a low frame
// rate can be a while.
let hashAfterFrame = null;
function saveHash() {
  if (!api) return;
  try { hashAfterFrame = JSON.parse(api.status()).frame + 2; } catch (e) { hashAfterFrame = 0; }
}
function writeHash(s) {
  const q = new URLSearchParams();
  // A world loaded from a file has no name the address could bring back.
  const builtIn = s.worldGroups.some((g) => g.items.some((i) => i.key === s.world));
  if (builtIn) q.set("world", s.world);
  q.set("algorithm", s.algorithm);
  // Under a lesson, a parameter is written when it differs from the
  // lesson's value; otherwise when it differs from its default.
  const base = (s.lesson && s.lesson.params) || {};
  if (s.lesson) q.set("lesson", s.lesson.key);
  for (const p of s.params) {
    const ref = p.key in base ? base[p.key] : p.default;
    if (p.value !== ref) q.set(p.key, String(p.value));
  }
  history.replaceState(null, "", "#" + q.toString());
}
// Commands run in order, so parameters set after a world or algorithm
// change apply to the new one; the game reports unknown keys and clamps
// values out of range.
function startFromHash() {
  const hash = location.hash;
  if (!hash || hash.length < 2) return;
  const q = new URLSearchParams(hash.slice(1));
  // A lesson sets up its world and algorithm afresh; the parameters after
  // it are the ones changed since.
  if (q.get("world")) call("world", q.get("world"));
  if (q.get("algorithm")) call("algorithm", q.get("algorithm"));
  if (q.get("lesson")) call("lesson", q.get("lesson")); // replaces both, if it exists
  const problems = [];
  for (const [k, v] of q) {
    if (k === "world" || k === "algorithm" || k === "lesson") continue;
    const x = Number(v);
    if (v.trim() === "" || isNaN(x)) { problems.push(`${k}: "${v}" is not a number`); continue; }
    call("set", k, x);
  }
  if (problems.length) show("error: URL: " + problems.join("; "), "error");
}

// --- buttons and keys
$("play").addEventListener("click", () => call("toggle"));
$("step").addEventListener("click", () => call("step"));
$("reset").addEventListener("click", () => call("reset"));
// A successful load changes the world file the game reports, which then
// replaces the text; a failed one leaves the person's edits in place.
$("world-load").addEventListener("click", () => call("load", $("world-text").value));
$("speed").addEventListener("input", (e) => {
  const s = speedFromSlider(e.target.value);
  $("speed-out").textContent = speedText(s);
  call("speed", s);
});
document.addEventListener("keydown", (e) => {
  const t = e.target;
  if (t && (t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable ||
            (t.tagName === "INPUT" && t.type !== "range" && t.type !== "checkbox"))) return;
  if (e.key === " " && t && (t.tagName === "BUTTON" || t.tagName === "SUMMARY")) return; // space presses it
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === " ") { call("toggle"); e.preventDefault(); }
  else if (e.key === "s") call("step");
  else if (e.key === "r") call("reset");
});

let started = false;
setInterval(() => {
  update();
  if (api && !started && status) { started = true; startFromHash(); }
}, 100);
