// zapgate dashboard: refreshes parts of the server-rendered pages. No framework, no build step.
"use strict";

const FRAGMENT = { "X-Dashboard-Fragment": "1" };

async function getJson(url) {
  const r = await fetch(url, { headers: FRAGMENT, credentials: "same-origin", cache: "no-store" });
  if (r.status === 401) { window.location.assign("/dashboard/login"); return null; }
  return r.ok ? r.json() : null;
}

function every(ms, fn) {
  const tick = async () => {
    try { await fn(); } catch (e) { /* the next tick tries again */ }
    window.setTimeout(tick, ms);
  };
  tick();
}

function setText(id, text) {
  const el = document.getElementById(id);
  if (el && el.textContent !== text) el.textContent = text;
}

function watchInstance(live) {
  const qr = document.getElementById("qr");
  const wait = document.getElementById("qr-wait");
  const pairing = document.getElementById("pairing");
  every(1500, async () => {
    const s = await getJson(live.dataset.url);
    if (!s) return;
    const badge = document.getElementById("status");
    if (badge) { badge.textContent = s.label; badge.className = "badge " + s.label.replace(" ", "-"); }
    setText("raw-status", s.status);
    setText("phone", s.phone || "—");
    setText("worker", s.worker || "—");
    setText("error", s.error || "");
    const connected = s.label === "connected";
    if (pairing) pairing.hidden = connected;
    if (qr && s.qr) { if (qr.src !== s.qr) qr.src = s.qr; qr.hidden = false; if (wait) wait.hidden = true; }
    else if (qr) { qr.hidden = true; if (wait) wait.hidden = connected; }
  });
}

function watchPanel(panel) {
  every(3000, async () => {
    if (panel.contains(document.activeElement) && document.activeElement !== document.body) return;
    const r = await fetch(panel.dataset.panelUrl, { headers: FRAGMENT, credentials: "same-origin", cache: "no-store" });
    if (r.status === 401) { window.location.assign("/dashboard/login"); return; }
    if (r.ok) {
      const html = await r.text();
      if (panel.innerHTML !== html) panel.innerHTML = html;
    }
  });
}

const SVG = "http://www.w3.org/2000/svg";

function drawBars(svg, values) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const width = 600, height = 120, max = Math.max(1, ...values);
  const step = width / Math.max(values.length, 1);
  values.forEach((v, i) => {
    const h = Math.round((v / max) * (height - 16));
    const bar = document.createElementNS(SVG, "rect");
    bar.setAttribute("x", String(i * step + 1));
    bar.setAttribute("y", String(height - h));
    bar.setAttribute("width", String(Math.max(step - 2, 1)));
    bar.setAttribute("height", String(h));
    const tip = document.createElementNS(SVG, "title");
    tip.textContent = String(v);
    bar.appendChild(tip);
    svg.appendChild(bar);
  });
  const label = document.createElementNS(SVG, "text");
  label.setAttribute("x", "4");
  label.setAttribute("y", "12");
  label.textContent = "max " + max;
  svg.appendChild(label);
}

function watchOverview(box) {
  const samples = {};
  every(5000, async () => {
    const f = await getJson(box.dataset.url);
    if (!f) return;
    box.querySelectorAll("[data-figure]").forEach((el) => {
      const v = f[el.dataset.figure];
      el.textContent = v === null || v === undefined ? "—" : String(v);
    });
    box.querySelectorAll("[data-status]").forEach((el) => { el.textContent = String(f.statuses[el.dataset.status] || 0); });
    document.querySelectorAll("svg[data-series]").forEach((svg) => drawBars(svg, f[svg.dataset.series] || []));
    document.querySelectorAll("svg[data-sample]").forEach((svg) => {
      const key = svg.dataset.sample;
      const list = samples[key] || (samples[key] = []);
      list.push(typeof f[key] === "number" ? f[key] : 0);
      if (list.length > 120) list.shift();
      drawBars(svg, list);
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const live = document.getElementById("live");
  if (live) watchInstance(live);
  document.querySelectorAll("[data-panel-url]").forEach(watchPanel);
  const overview = document.getElementById("overview");
  if (overview) watchOverview(overview);
});
