// Small DOM helpers: the console has no framework, only the platform.
const SVG_NS = 'http://www.w3.org/2000/svg';

/** An HTML element: h('button', {class: 'x', onclick: f, title: 't'}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element with attributes. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A time in milliseconds from a protobuf JSON timestamp (RFC 3339) or null. */
export function ms(timestamp) {
  if (!timestamp) return null;
  const t = Date.parse(timestamp);
  return Number.isNaN(t) || t <= 0 ? null : t;
}

export function pct(x) {
  return x === null || x === undefined || Number.isNaN(x) ? '–' : `${Math.round(x * 100)}%`;
}

export function clock(t) {
  return t ? new Date(t).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit'}) : '–';
}

export function dateTime(t) {
  return t ? new Date(t).toLocaleString([], {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    second: '2-digit'}) : '–';
}

/** "3 min ago", "in 28:12" style durations. */
export function duration(msec) {
  const s = Math.max(0, Math.round(msec / 1000));
  const m = Math.floor(s / 60);
  const hrs = Math.floor(m / 60);
  if (hrs > 0) return `${hrs} h ${m % 60} min`;
  if (m > 0) return `${m}:${String(s % 60).padStart(2, '0')}`;
  return `${s} s`;
}

export function ago(t, now = Date.now()) {
  return t ? `${duration(now - t)} ago` : 'never';
}

/** Calls fn at most once per animation frame, however often it is asked. */
export function perFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}
