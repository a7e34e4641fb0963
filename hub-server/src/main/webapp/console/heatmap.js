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
    this.cells = null;
    this.counts = {full: 0, partial: 0};
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

  /**
   * Redraws when the data, the window or the size changed, and always the cursor. The cells are kept from one
   * drawing to the next on a grid aligned to time: as the window slides, the grid is shifted and only the
   * columns that came into view, or that hold points new since the last drawing, are computed again (all of
   * them when the rows, the size, a threshold or an older point changed, or when {@code force}).
   */
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
      const computed = this.updateCells(g, from, to, force);
      this.draw(g, from, to);
      this.drawMs = performance.now() - started;
      /** What the last drawing did (its time, how many cells it computed) and how many computed all or some. */
      this.last = {ms: this.drawMs, cells: computed};
      if (computed >= this.cells.width * this.rows.length) this.counts.full++;
      else this.counts.partial++;
      this.drawn = {version: this.mesh.version, from, to, width: g.width, rows: this.rows.length};
    }
    this.drawCursor(g);
  }

  /** Brings the cell grid up to date for [from, to]; returns how many cells were computed. */
  updateCells(g, from, to, force) {
    const columns = Math.max(1, Math.min(Math.floor(g.plot), 720));
    const bucket = Math.max(1, to - from) / columns;
    // one column more than shown: the window rarely starts on a column's edge
    const width = columns + 1;
    const k = Math.floor(from / bucket);
    const origin = k * bucket;
    const rows = this.rows;
    const n = Math.max(1, rows.length);
    let c = this.cells;
    const sameRows = c && c.keys.length === rows.length && rows.every((e, i) => c.keys[i] === e.key);
    const full = force || !c || c.bucket !== bucket || c.width !== width || !sameRows || Math.abs(k - c.k) >= width;
    let computed = 0;
    if (full) {
      const canvas = c ? c.canvas : document.createElement('canvas');
      canvas.width = width;
      canvas.height = n;
      c = this.cells = {canvas, image: new ImageData(width, n), bucket, width, k, origin,
        keys: rows.map(e => e.key), state: new Array(rows.length)};
      rows.forEach((e, row) => {
        computed += this.fillColumns(c, row, e, 0, width);
      });
    } else {
      const shift = k - c.k;
      const px = c.image.data;
      if (shift !== 0) {
        const rowBytes = width * 4;
        for (let row = 0; row < rows.length; row++) {
          const at = row * rowBytes;
          if (shift > 0) px.copyWithin(at, at + shift * 4, at + rowBytes);
          else px.copyWithin(at - shift * 4, at, at + rowBytes + shift * 4);
        }
      }
      c.k = k;
      c.origin = origin;
      rows.forEach((e, row) => {
        const st = c.state[row];
        const series = e.series;
        let dirty = width;
        if (st.inserted !== series.inserted || st.threshold !== e.threshold) {
          dirty = 0;
        } else if (series.n > st.n) {
          // appended in time order since: only their columns and those after change
          dirty = Math.max(0, Math.floor((series.t[st.n] - origin) / bucket));
        }
        if (shift > 0) {
          computed += this.fillColumns(c, row, e, Math.min(dirty, width - shift), width);
        } else {
          // moved back: the columns that came into view on the left, then those with new points
          if (shift < 0) computed += this.fillColumns(c, row, e, 0, -shift);
          computed += this.fillColumns(c, row, e, Math.max(dirty, -shift), width);
        }
        c.state[row] = {n: series.n, inserted: series.inserted, threshold: e.threshold};
      });
    }
    c.canvas.getContext('2d').putImageData(c.image, 0, 0);
    return computed;
  }

  /**
   * Columns [c0, c1) of one row: the highest risk of the points in each column's time, or the last risk
   * before it carried over a short gap, or nothing. Returns how many it computed.
   */
  fillColumns(c, row, e, c0, c1) {
    if (c0 >= c1) {
      c.state[row] = c.state[row] || {n: e.series.n, inserted: e.series.inserted, threshold: e.threshold};
      return 0;
    }
    const series = e.series;
    const {t, r} = series;
    const count = series.n;
    const {bucket, origin, width} = c;
    const px = c.image.data;
    const carry = Math.max(2 * bucket, 90e3);
    const start = origin + c0 * bucket;
    // the first point at or after the first column's start, and the last one before it
    let j = series.indexAt(start);
    while (j >= 0 && t[j] >= start) j--;
    let lastT = j >= 0 ? t[j] : -Infinity;
    let lastR = j >= 0 ? r[j] : 0;
    j++;
    for (let col = c0; col < c1; col++) {
      const end = origin + (col + 1) * bucket;
      let max = -1;
      while (j < count && t[j] < end) {
        if (r[j] > max) max = r[j];
        lastT = t[j];
        lastR = r[j];
        j++;
      }
      if (max < 0 && end - lastT <= carry + bucket) max = lastR;
      const o = (row * width + col) * 4;
      if (max >= 0) {
        const [cr, cg, cb] = riskRgb(max, e.threshold);
        px[o] = cr;
        px[o + 1] = cg;
        px[o + 2] = cb;
        px[o + 3] = 255;
      } else {
        px[o + 3] = 0;
      }
    }
    c.state[row] = {n: series.n, inserted: series.inserted, threshold: e.threshold};
    return c1 - c0;
  }

  draw(g, from, to) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(g.width * dpr);
    const hgt = Math.round(g.height * dpr);
    for (const c of [this.canvas, this.overlay]) {
      if (c.width !== w || c.height !== hgt) {
        c.width = w;
        c.height = hgt;
        c.style.width = `${g.width}px`;
        c.style.height = `${g.height}px`;
      }
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(this.wrap);
    this.accent = style.getPropertyValue('--accent') || '#4cf';
    ctx.fillStyle = style.getPropertyValue('--panel') || '#222';
    ctx.fillRect(0, 0, g.width, g.height);

    const span = Math.max(1, to - from);
    const cells = this.cells;
    ctx.imageSmoothingEnabled = false;
    if (this.rows.length) {
      ctx.drawImage(cells.canvas, (from - cells.origin) / cells.bucket, 0, cells.width - 1, this.rows.length,
        g.labels, 0, g.plot, this.rows.length * g.rowH);
    }

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
