// The confidence heatmap: entities × time, each cell the highest risk seen in its time bucket
// (carried over short gaps), predictions marked ▲, actions ▬ and judged outcomes ●, a cursor at the playback
// time. Drawn on a canvas, one pixel per cell scaled up, so 500 entities × 24 h stay cheap.
import {h, clock} from './dom.js';
import {riskRgb, OUTCOME} from './scale.js';

const LABELS = 150;
const AXIS = 22;

export class Heatmap {
  constructor(container, mesh, {onSelect, onSeek}) {
    this.mesh = mesh;
    this.onSelect = onSelect;
    this.onSeek = onSeek;
    this.canvas = h('canvas', {class: 'heat', role: 'img', 'aria-label': 'Risk of every entity over time'});
    this.overlay = h('canvas', {class: 'heat-overlay', 'aria-hidden': 'true'});
    this.wrap = h('div', {class: 'heat-wrap'}, this.canvas, this.overlay);
    container.append(this.wrap);
    this.window = [Date.now() - 3600e3, Date.now()];
    this.cursor = null;
    this.drawn = {version: -1, from: 0, to: 0, width: 0};
    this.rows = [];
    this.rowsVersion = -1;
    /** How long the last full drawing took (ms): live redraws are spaced by it. */
    this.drawMs = 0;
    this.accent = '#4cf';
    // the width is watched, not read each frame: reading layout while scrubbing forces it
    this.width = 0;
    new ResizeObserver(entries => {
      this.width = Math.round(entries[0].contentRect.width);
    }).observe(this.wrap);
    this.canvas.addEventListener('click', ev => this.click(ev));
  }

  /** Live, the cells are redrawn at most this often: twice a second, or less when drawing is slow (≤ 10 % of the time). */
  liveInterval() {
    return Math.max(500, 10 * this.drawMs);
  }

  setWindow(from, to) {
    this.window = [from, to];
  }

  geometry() {
    if (!this.width) this.width = this.wrap.clientWidth;
    const width = Math.max(320, this.width || 800);
    const n = Math.max(1, this.rows.length);
    const rowH = n <= 20 ? 22 : n <= 60 ? 10 : n <= 200 ? 4 : 2;
    const labels = rowH >= 10 ? LABELS : 0;
    return {width, rowH, labels, plot: width - labels, height: n * rowH + AXIS};
  }

  /** Redraws the cells when the data, the window or the size changed, and always the cursor. */
  render(force = false) {
    if (this.rowsVersion !== this.mesh.version) {
      this.rows = this.mesh.list();
      this.rowsVersion = this.mesh.version;
    }
    const g = this.geometry();
    const [from, to] = this.window;
    const d = this.drawn;
    if (force || d.version !== this.mesh.version || d.from !== from || d.to !== to || d.width !== g.width
        || d.rows !== this.rows.length) {
      const started = performance.now();
      this.draw(g, from, to);
      this.drawMs = performance.now() - started;
      this.drawn = {version: this.mesh.version, from, to, width: g.width, rows: this.rows.length};
    }
    this.drawCursor(g);
  }

  draw(g, from, to) {
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.canvas, this.overlay]) {
      c.width = Math.round(g.width * dpr);
      c.height = Math.round(g.height * dpr);
      c.style.width = `${g.width}px`;
      c.style.height = `${g.height}px`;
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(this.wrap);
    this.accent = style.getPropertyValue('--accent') || '#4cf';
    ctx.fillStyle = style.getPropertyValue('--panel') || '#222';
    ctx.fillRect(0, 0, g.width, g.height);

    const columns = Math.max(1, Math.min(Math.floor(g.plot), 720));
    const span = Math.max(1, to - from);
    const bucket = span / columns;
    const carry = Math.max(2 * bucket, 90e3);
    const image = new ImageData(columns, this.rows.length || 1);
    const px = image.data;
    this.rows.forEach((e, row) => {
      const series = e.series;
      const threshold = e.threshold;
      let i = Math.max(0, series.indexAt(from));
      let lastT = -Infinity;
      let lastR = 0;
      if (series.n && series.t[i] <= from) {
        lastT = series.t[i];
        lastR = series.r[i];
        i++;
      }
      for (let c = 0; c < columns; c++) {
        const end = from + (c + 1) * bucket;
        let max = -1;
        while (i < series.n && series.t[i] < end) {
          if (series.t[i] >= from) max = Math.max(max, series.r[i]);
          lastT = series.t[i];
          lastR = series.r[i];
          i++;
        }
        if (max < 0 && end - lastT <= carry + bucket) max = lastR;
        if (max >= 0) {
          const [r, gg, b] = riskRgb(max, threshold);
          const o = (row * columns + c) * 4;
          px[o] = r;
          px[o + 1] = gg;
          px[o + 2] = b;
          px[o + 3] = 255;
        }
      }
    });
    const cells = document.createElement('canvas');
    cells.width = columns;
    cells.height = this.rows.length || 1;
    cells.getContext('2d').putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, g.labels, 0, g.plot, this.rows.length * g.rowH);

    const fg = style.getPropertyValue('--fg') || '#eee';
    ctx.fillStyle = fg;
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    if (g.labels) {
      this.rows.forEach((e, row) => {
        ctx.fillText(e.id.length > 20 ? `${e.id.slice(0, 19)}…` : e.id, 6, row * g.rowH + g.rowH / 2);
      });
    }
    // markers: ▲ a prediction, ● an outcome judged (its colour)
    const index = new Map(this.rows.map((e, row) => [e.key, row]));
    const x = t => g.labels + (t - from) / span * g.plot;
    const size = Math.max(3, Math.min(7, g.rowH / 2.5));
    for (const st of this.mesh.stories.values()) {
      const row = index.get(`${st.prediction.kind}/${st.prediction.entity}`);
      if (row === undefined) continue;
      const y = row * g.rowH + g.rowH / 2;
      // ▬ the action, while it ran
      const acted = st.actedFrom;
      if (acted && acted <= to && (st.actedUntil || to) >= from) {
        const x0 = x(Math.max(from, acted));
        const x1 = x(Math.min(to, st.actedUntil || to));
        ctx.fillStyle = fg;
        ctx.fillRect(x0, y - Math.max(1, size / 3), Math.max(2, x1 - x0), Math.max(2, size / 1.5));
      }
      if (st.predictedAt >= from && st.predictedAt <= to) {
        const px0 = x(st.predictedAt);
        ctx.beginPath();
        ctx.moveTo(px0, y - size);
        ctx.lineTo(px0 + size, y + size);
        ctx.lineTo(px0 - size, y + size);
        ctx.closePath();
        ctx.fillStyle = '#fff';
        ctx.strokeStyle = '#000';
        ctx.fill();
        ctx.stroke();
      }
      const judged = st.judgedAt;
      if (judged && judged >= from && judged <= to) {
        ctx.beginPath();
        ctx.arc(x(judged), y, size, 0, 2 * Math.PI);
        ctx.fillStyle = (OUTCOME[st.outcome] || {colour: '#999'}).colour;
        ctx.strokeStyle = '#fff';
        ctx.fill();
        ctx.stroke();
      }
    }
    // time axis
    const axisY = this.rows.length * g.rowH;
    ctx.fillStyle = fg;
    ctx.textBaseline = 'top';
    const ticks = Math.max(2, Math.floor(g.plot / 110));
    for (let k = 0; k <= ticks; k++) {
      const t = from + span * k / ticks;
      const tx = g.labels + g.plot * k / ticks;
      ctx.fillRect(tx, axisY, 1, 4);
      const label = clock(t).slice(0, 5);
      ctx.textAlign = k === 0 ? 'left' : k === ticks ? 'right' : 'center';
      ctx.fillText(label, tx, axisY + 6);
    }
    ctx.textAlign = 'left';
    this.canvas.setAttribute('aria-label', `Risk of ${this.rows.length} entities from ${clock(from)} to ${clock(to)}`);
  }

  drawCursor(g) {
    const ctx = this.overlay.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.width, g.height);
    if (this.cursor === null) return;
    const [from, to] = this.window;
    const cx = g.labels + (this.cursor - from) / Math.max(1, to - from) * g.plot;
    ctx.fillStyle = this.accent;
    ctx.fillRect(Math.round(cx) - 1, 0, 2, this.rows.length * g.rowH);
  }

  click(ev) {
    const g = this.geometry();
    const rect = this.canvas.getBoundingClientRect();
    const y = ev.clientY - rect.top;
    const xx = ev.clientX - rect.left;
    const row = Math.floor(y / g.rowH);
    if (row >= 0 && row < this.rows.length) this.onSelect(this.rows[row].key);
    if (xx >= g.labels && this.onSeek) {
      const [from, to] = this.window;
      this.onSeek(from + (xx - g.labels) / g.plot * (to - from));
    }
  }
}
