// The service map: one node per entity, filled with its risk's colour, ringed by the confidence of
// its latest prediction (the arc's length), moving while a remediation runs and until its outcome
// is judged, then flashing the outcome. No dependency edges: the hub does not know them (yet).
import {h, s, pct} from './dom.js';
import {riskColour, inkOn, OUTCOME} from './scale.js';

/**
 * Above this many entities the map is drawn on a canvas (one grid cell each): hundreds of SVG
 * nodes repainted every frame cannot follow playback scrubbing. Selecting is then by click or by
 * the "Find" field (keyboard).
 */
export const LARGE = 60;

export class ServiceMap {
  /** @param onSelect called with an entity key when a node is clicked or activated with Enter/Space */
  constructor(container, mesh, onSelect) {
    this.mesh = mesh;
    this.onSelect = onSelect;
    this.svg = s('svg', {class: 'map', role: 'group', 'aria-label': 'Service map: every entity and its risk'});
    this.canvas = h('canvas', {class: 'map-canvas', role: 'img', hidden: true});
    const find = h('input', {id: 'map-find', list: 'entity-names', autocomplete: 'off', size: 18,
      'aria-label': 'Find an entity by id', placeholder: 'find an entity…'});
    this.findForm = h('form', {class: 'map-find', hidden: true, onsubmit: ev => {
      ev.preventDefault();
      const e = this.mesh.list().find(x => x.id === find.value.trim());
      if (e) this.onSelect(e.key);
    }}, find, h('button', {type: 'submit'}, 'Show'));
    container.append(this.findForm, this.svg, this.canvas);
    this.nodes = new Map();
    this.layoutVersion = -1;
    this.selected = null;
    this.large = false;
    this.canvas.addEventListener('click', ev => this.canvasClick(ev));
  }

  layout(entities) {
    this.large = entities.length > LARGE;
    this.svg.style.display = this.large ? 'none' : '';
    this.canvas.hidden = !this.large;
    this.findForm.hidden = !this.large;
    this.svg.replaceChildren();
    this.nodes.clear();
    const n = entities.length;
    const width = 1000;
    let height;
    let place;
    let r;
    if (n <= 12) {
      height = 560;
      r = 46;
      const radius = n <= 1 ? 0 : 200;
      place = i => [width / 2 + radius * Math.cos(-Math.PI / 2 + 2 * Math.PI * i / n),
        height / 2 + radius * Math.sin(-Math.PI / 2 + 2 * Math.PI * i / n)];
    } else {
      const cols = Math.ceil(Math.sqrt(n * 1.8));
      const cell = width / cols;
      r = Math.max(4, Math.min(40, cell * 0.32));
      height = Math.ceil(n / cols) * cell + (r > 14 ? 14 : 0);
      place = i => [cell * (i % cols) + cell / 2, cell * Math.floor(i / cols) + cell / 2];
    }
    this.svg.setAttribute('viewBox', `0 0 ${width} ${Math.max(120, height)}`);
    this.grid = {width, height: Math.max(120, height), r, place};
    if (this.large) {
      this.positions = entities.map((e, i) => place(i));
      this.entityOrder = entities;
      this.canvasState = null;
      return;
    }
    const labels = r >= 14;
    const ringLength = 2 * Math.PI * (r + 6);
    entities.forEach((e, i) => {
      const [x, y] = place(i);
      const fill = s('circle', {class: 'fill', r, cx: 0, cy: 0});
      const ring = s('circle', {class: 'ring', r: r + 6, cx: 0, cy: 0, 'stroke-dasharray': `0 ${ringLength}`,
        transform: 'rotate(-90)'});
      const spinner = s('circle', {class: 'spinner', r: r + 12, cx: 0, cy: 0});
      const value = s('text', {class: 'value', y: r >= 30 ? 6 : 4, 'text-anchor': 'middle'});
      const alarm = s('text', {class: 'alarm', x: r * 0.72, y: -r * 0.62, 'text-anchor': 'middle'});
      const g = s('g', {
        class: 'node', transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, tabindex: 0, role: 'button',
        dataset: {key: e.key, id: e.id},
      }, spinner, ring, fill, labels ? value : null, alarm,
      labels ? s('text', {class: 'label', y: r + 26, 'text-anchor': 'middle'}, e.id) : null,
      s('title', {}, e.id));
      const select = () => this.onSelect(e.key);
      g.addEventListener('click', select);
      g.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          select();
        }
      });
      this.svg.append(g);
      this.nodes.set(e.key, {g, fill, ring, value, alarm, ringLength, last: {}});
    });
  }

  /**
   * Draws a state: Map key → {risk, remediating, outcome}. {@code playback}: colours change at once
   * (no fade), so scrubbing shows each moment as it was.
   */
  render(state, playback = false) {
    this.svg.classList.toggle('playback', playback);
    if (this.mesh.entitiesChanged || this.layoutVersion === -1) {
      this.mesh.entitiesChanged = false;
      this.entities = this.mesh.list();
      this.layoutVersion = this.mesh.version;
      this.layout(this.entities);
    }
    if (this.large) {
      this.renderCanvas(state);
      return;
    }
    const entities = this.entities;
    for (const e of entities) {
      const node = this.nodes.get(e.key);
      const now = state.get(e.key) || {};
      const risk = now.risk ?? null;
      const above = risk !== null && e.threshold !== null && risk >= e.threshold;
      const confidence = e.prediction ? e.prediction.confidence : null;
      const last = node.last;
      if (last.risk !== risk || last.above !== above || last.threshold !== e.threshold) {
        node.fill.setAttribute('fill', riskColour(risk, e.threshold));
        node.value.textContent = risk === null ? '…' : pct(risk);
        node.value.setAttribute('fill', risk === null ? 'var(--fg)' : inkOn(risk, e.threshold));
        node.alarm.textContent = above ? '!' : '';
        node.g.classList.toggle('above', above);
        node.g.dataset.risk = risk === null ? '' : risk.toFixed(3);
      }
      if (last.confidence !== confidence) {
        const arc = confidence === null ? 0 : confidence * node.ringLength;
        node.ring.setAttribute('stroke-dasharray', `${arc.toFixed(1)} ${node.ringLength.toFixed(1)}`);
      }
      if (last.remediating !== now.remediating) {
        node.g.classList.toggle('remediating', !!now.remediating);
      }
      if (last.outcome !== now.outcome) {
        for (const o of Object.keys(OUTCOME)) node.g.classList.toggle(`outcome-${o}`, now.outcome === o);
      }
      const selected = this.selected === e.key;
      if (last.selected !== selected) node.g.classList.toggle('selected', selected);
      const label = `${e.id}: risk ${risk === null ? 'not scored yet' : pct(risk)}`
        + `${above ? ', above its threshold' : ''}${now.remediating ? ', being remediated' : ''}`
        + `${confidence === null ? '' : `, confidence ${pct(confidence)}`}`;
      if (last.label !== label) node.g.setAttribute('aria-label', label);
      node.last = {risk, above, confidence, remediating: now.remediating, outcome: now.outcome, threshold: e.threshold,
        selected, label};
    }
  }

  /** The large map: every node a disc in its grid cell; redrawn only when what it shows changed. */
  renderCanvas(state) {
    const entities = this.entityOrder;
    let key = `${this.selected}|${document.documentElement.dataset.theme}`;
    for (const e of entities) {
      const now = state.get(e.key) || {};
      key += `|${now.risk ?? ''}${now.remediating ? 'r' : ''}${now.outcome || ''}${e.threshold ?? ''}`;
    }
    const cssWidth = this.canvas.clientWidth || this.grid.width;
    if (key === this.canvasState && cssWidth === this.canvasWidth) return;
    this.canvasState = key;
    this.canvasWidth = cssWidth;
    const {width, height, r} = this.grid;
    const scale = cssWidth / width;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * scale * dpr);
    this.canvas.height = Math.round(height * scale * dpr);
    this.canvas.style.height = `${height * scale}px`;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(scale * dpr, 0, 0, scale * dpr, 0, 0);
    const style = getComputedStyle(this.canvas);
    const fg = style.getPropertyValue('--fg') || '#eee';
    const unknown = style.getPropertyValue('--unknown') || '#777';
    const accent = style.getPropertyValue('--accent') || '#4cf';
    let above = 0;
    let remediating = 0;
    entities.forEach((e, i) => {
      const [x, y] = this.positions[i];
      const now = state.get(e.key) || {};
      const risk = now.risk ?? null;
      const isAbove = risk !== null && e.threshold !== null && risk >= e.threshold;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.fillStyle = risk === null ? unknown : riskColour(risk, e.threshold);
      ctx.fill();
      if (isAbove) {
        above++;
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = fg;
        ctx.stroke();
        ctx.setLineDash([]);
      }
      const ring = now.remediating ? fg : now.outcome ? (OUTCOME[now.outcome] || {}).colour : null;
      if (ring) {
        remediating += now.remediating ? 1 : 0;
        ctx.beginPath();
        ctx.arc(x, y, r + 3, 0, 2 * Math.PI);
        ctx.lineWidth = 2.5;
        ctx.strokeStyle = ring;
        ctx.stroke();
      }
      if (this.selected === e.key) {
        ctx.beginPath();
        ctx.arc(x, y, r + 5, 0, 2 * Math.PI);
        ctx.lineWidth = 3;
        ctx.strokeStyle = accent;
        ctx.stroke();
      }
    });
    this.canvas.setAttribute('aria-label', `Service map of ${entities.length} entities: ${above} at or above their`
      + ` threshold, ${remediating} being remediated. Find one by id above the map.`);
  }

  canvasClick(ev) {
    const rect = this.canvas.getBoundingClientRect();
    const scale = rect.width / this.grid.width;
    const x = (ev.clientX - rect.left) / scale;
    const y = (ev.clientY - rect.top) / scale;
    let best = -1;
    let distance = Infinity;
    this.positions.forEach(([px, py], i) => {
      const d = (px - x) ** 2 + (py - y) ** 2;
      if (d < distance) {
        distance = d;
        best = i;
      }
    });
    if (best >= 0 && distance <= (this.grid.r + 6) ** 2) this.onSelect(this.entityOrder[best].key);
  }
}
