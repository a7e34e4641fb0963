// Timeline playback: pick a period, scrub or play it; the map and the heatmap show that moment.
// Below, every prediction → decision → action → outcome loop in the period is one lane: ▲ the
// prediction, ◆ the decision, a bar while the action ran, ● the outcome. A lane opens its story.
import {h, s, clock, pct} from './dom.js';
import {OUTCOME} from './scale.js';

const PERIODS = [['15 min', 15 * 60e3], ['1 h', 3600e3], ['6 h', 6 * 3600e3], ['24 h', 24 * 3600e3]];
const SPEEDS = [10, 60, 300, 1800];

export class Timeline {
  constructor(container, mesh, {onTime, onOpenStory, onPeriod}) {
    this.mesh = mesh;
    this.onTime = onTime;
    this.onOpenStory = onOpenStory;
    this.onPeriod = onPeriod;
    this.period = 3600e3;
    this.live = true;
    this.time = null;
    this.playing = false;
    this.speed = 60;

    this.periodSelect = h('select', {id: 'period', 'aria-label': 'Period shown',
      onchange: () => this.setPeriod(Number(this.periodSelect.value))},
    PERIODS.map(([label, value]) => h('option', {value, selected: value === this.period}, label)));
    this.liveButton = h('button', {id: 'live', type: 'button', 'aria-pressed': 'true', onclick: () => this.goLive()},
      '● Live');
    this.playButton = h('button', {id: 'play', type: 'button', onclick: () => this.toggle()}, '▶ Play');
    this.speedSelect = h('select', {id: 'speed', 'aria-label': 'Playback speed',
      onchange: () => { this.speed = Number(this.speedSelect.value); }},
    SPEEDS.map(v => h('option', {value: v, selected: v === this.speed}, `×${v}`)));
    this.slider = h('input', {id: 'scrub', type: 'range', min: 0, max: 1000, step: 1, value: 1000,
      'aria-label': 'Playback time', oninput: () => this.scrub()});
    this.label = h('output', {id: 'playback-time', for: 'scrub'}, 'live');
    this.lanes = s('svg', {class: 'lanes', role: 'list', 'aria-label': 'Remediation stories in the period'});
    container.append(h('div', {class: 'controls'}, h('label', {}, 'Period ', this.periodSelect), this.liveButton,
      this.playButton, h('label', {}, 'Speed ', this.speedSelect), this.slider, this.label), this.lanes);
  }

  /** [from, to] of the period: ending now when live, around the playback time otherwise. */
  window() {
    const end = this.live ? Date.now() : this.anchor;
    return [end - this.period, end];
  }

  setPeriod(period) {
    this.period = period;
    if (!this.live && this.time < this.anchor - period) this.time = this.anchor - period;
    this.onPeriod();
    this.syncSlider();
  }

  goLive() {
    this.stop();
    this.live = true;
    this.time = null;
    this.anchor = null;
    this.liveButton.setAttribute('aria-pressed', 'true');
    this.label.textContent = 'live';
    this.slider.value = 1000;
    this.onTime(null);
  }

  /** Shows the moment t (ms). */
  seek(t) {
    if (this.live) {
      this.anchor = Date.now();
      this.live = false;
      this.liveButton.setAttribute('aria-pressed', 'false');
    }
    const [from, to] = this.window();
    this.time = Math.min(to, Math.max(from, t));
    this.label.textContent = clock(this.time);
    this.syncSlider();
    this.onTime(this.time);
  }

  syncSlider() {
    if (this.live) return;
    const [from, to] = this.window();
    this.slider.value = String(Math.round((this.time - from) / (to - from) * 1000));
  }

  scrub() {
    const [from, to] = this.live ? [Date.now() - this.period, Date.now()] : this.window();
    if (this.live) this.anchor = to;
    this.seek(from + (to - from) * Number(this.slider.value) / 1000);
  }

  toggle() {
    if (this.playing) this.stop();
    else this.play();
  }

  play() {
    if (this.live) {
      const now = Date.now();
      this.anchor = now;
      this.seek(now - this.period);
    }
    this.playing = true;
    this.playButton.textContent = '❚❚ Pause';
    let last = performance.now();
    const step = now => {
      if (!this.playing) return;
      const next = this.time + (now - last) * this.speed;
      last = now;
      const [, to] = this.window();
      if (next >= to) {
        this.seek(to);
        this.stop();
        return;
      }
      this.seek(next);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  stop() {
    this.playing = false;
    this.playButton.textContent = '▶ Play';
  }

  /** The lanes of the stories that overlap the window. */
  renderLanes() {
    const [from, to] = this.window();
    const stories = [...this.mesh.stories.values()]
      .filter(st => st.predictedAt && st.predictedAt <= to && (st.end || st.predictedAt) >= from)
      .sort((a, b) => a.predictedAt - b.predictedAt);
    const width = 1000;
    const laneH = 22;
    const left = 150;
    const x = t => left + Math.min(1, Math.max(0, (t - from) / (to - from))) * (width - left - 10);
    this.lanes.setAttribute('viewBox', `0 0 ${width} ${Math.max(1, stories.length) * laneH + 4}`);
    this.lanes.replaceChildren();
    if (!stories.length) {
      this.lanes.append(s('text', {x: 10, y: 16, class: 'muted'}, 'No prediction in this period.'));
      return;
    }
    stories.forEach((st, i) => {
      const y = i * laneH + laneH / 2 + 2;
      const p = st.prediction;
      const outcome = st.outcome;
      const colour = outcome ? OUTCOME[outcome]?.colour || '#999' : 'var(--muted)';
      const parts = [s('text', {x: 6, y: y + 4, class: 'lane-label'}, p.entity)];
      const end = st.end || st.predictedAt;
      parts.push(s('line', {x1: x(st.predictedAt), x2: x(end), y1: y, y2: y, class: 'lane-line'}));
      if (st.actedFrom) {
        parts.push(s('rect', {x: x(st.actedFrom), y: y - 4, width: Math.max(3, x(st.actedUntil || Date.now())
          - x(st.actedFrom)), height: 8, class: 'lane-action'}));
      }
      parts.push(s('path', {d: `M${x(st.predictedAt)},${y - 7}l6,12h-12z`, class: 'lane-prediction'}));
      if (st.decidedAt) parts.push(s('path', {d: `M${x(st.decidedAt)},${y - 6}l6,6l-6,6l-6,-6z`, class: 'lane-decision'}));
      if (st.judgedAt) parts.push(s('circle', {cx: x(st.judgedAt), cy: y, r: 6, fill: colour, class: 'lane-outcome'}));
      const label = `${p.entity}: predicted ${clock(st.predictedAt)} (risk ${pct(p.risk)}, ${p.action || 'no action'})`
        + `${st.decision ? `, ${st.decision}` : ''}${st.decidedAt ? ` at ${clock(st.decidedAt)}` : ''}`
        + `${st.run ? `, ${st.run.workflow} ${st.run.state.toLowerCase()}` : ''}`
        + `${outcome ? `, ${OUTCOME[outcome]?.word || outcome} at ${clock(st.judgedAt)}` : ''}`;
      const g = s('g', {class: 'lane', tabindex: 0, role: 'listitem', 'aria-label': label,
        dataset: {prediction: p.id, entity: p.entity, at: String(st.predictedAt)}}, s('title', {}, label),
      s('rect', {x: 0, y: y - laneH / 2, width, height: laneH, class: 'lane-hit'}), ...parts);
      const open = () => this.onOpenStory(st);
      g.addEventListener('click', open);
      g.addEventListener('keydown', ev => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          open();
        }
      });
      this.lanes.append(g);
    });
  }
}
