// What the console knows of the mesh: every entity with its risk over time, and every
// prediction → decision → action → outcome loop ("story"), built from the REST history at start and
// kept current by the event stream. Rendering reads it; nothing here touches the DOM.
import {ms} from './dom.js';

const GROW = 64;

/** An entity's risk over time: sorted times (ms) and risks, in typed arrays. */
class Series {
  constructor() {
    this.t = new Float64Array(GROW);
    this.r = new Float32Array(GROW);
    this.n = 0;
    /** How many points went in before the end (a backfill): a drawing of the newest points only must start over. */
    this.inserted = 0;
  }

  add(time, risk) {
    if (this.n === this.t.length) {
      const t = new Float64Array(this.n * 2);
      const r = new Float32Array(this.n * 2);
      t.set(this.t);
      r.set(this.r);
      this.t = t;
      this.r = r;
    }
    let i = this.n;
    // usually appended; a backfill or history may arrive out of order
    while (i > 0 && this.t[i - 1] > time) {
      this.t[i] = this.t[i - 1];
      this.r[i] = this.r[i - 1];
      i--;
    }
    if (i < this.n) this.inserted++;
    this.t[i] = time;
    this.r[i] = risk;
    this.n++;
  }

  /** Index of the last point at or before time, or -1. */
  indexAt(time) {
    let lo = 0;
    let hi = this.n - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[mid] <= time) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  at(time) {
    const i = this.indexAt(time);
    return i < 0 ? null : this.r[i];
  }
}

/** One prediction's loop. Times in ms; null when that step has not happened. */
export class Story {
  constructor(prediction) {
    this.prediction = prediction;
    this.runs = [];
    this.approval = null;
    this.actions = [];
  }

  get id() {
    return this.prediction.id;
  }

  get run() {
    return this.runs[this.runs.length - 1] || null;
  }

  get action() {
    return this.actions[this.actions.length - 1] || null;
  }

  get predictedAt() {
    return this.prediction.at;
  }

  get decidedAt() {
    return (this.action && this.action.decidedAt) || (this.approval && this.approval.decidedAt)
      || (this.run && this.run.state !== 'AWAITING_APPROVAL' ? this.run.createdAt : null);
  }

  get decision() {
    if (this.action) return this.action.decision;
    if (this.approval && this.approval.state === 'PENDING') return 'awaiting approval';
    return this.run ? this.run.mode : null;
  }

  get actedFrom() {
    return this.run ? this.run.startedAt : null;
  }

  get actedUntil() {
    return this.run ? this.run.endedAt : null;
  }

  get outcome() {
    return this.action ? this.action.outcome || null : null;
  }

  get judgedAt() {
    return this.action && this.action.outcome ? this.action.outcomeAt : null;
  }

  get end() {
    return this.judgedAt || this.actedUntil || this.actedFrom || this.decidedAt || this.predictedAt;
  }
}

/** A prediction from ListPredictions (Prediction) or from an event (PredictionCreated). */
export function normPrediction(p) {
  const target = p.target || {kind: p.entity, id: p.id};
  let model = p.model || '';
  let version = p.modelVersion || '';
  if (!version && model.includes('_v')) {
    version = model.slice(model.lastIndexOf('_v') + 2);
    model = model.slice(0, model.lastIndexOf('_v'));
  }
  return {
    id: p.predictionId, kind: target.kind, entity: target.id, risk: p.risk, confidence: p.confidence,
    terms: p.confidenceTerms || null, action: p.recommendedAction, factors: p.factors || [], model, version,
    threshold: p.threshold ?? null, at: ms(p.createTime || p.timestamp), modelRunId: p.modelRunId || '',
    type: p.predictionType || p.type || '',
    // the memory's most similar past incidents of the project and why the action is what it is
    similar: (p.similar || []).map(x => ({entity: x.entity, at: ms(x.time), similarity: x.similarity,
      action: x.action || '', outcome: x.outcome || ''})),
    note: p.recommendationNote || '',
  };
}

function normRun(r) {
  return {
    id: r.runId, workflow: r.workflow, state: (r.state || '').replace('RUN_STATE_', ''), mode: r.mode,
    kind: r.target && r.target.kind, entity: r.target && r.target.id,
    predictionId: r.prediction ? r.prediction.predictionId : '', nodes: r.nodes || [],
    createdAt: ms(r.createTime), startedAt: ms(r.startTime), endedAt: ms(r.endTime), error: r.error || '',
    approvalId: r.approvalId || '',
  };
}

function normApproval(a) {
  return {
    id: a.approvalId, state: (a.state || '').replace('APPROVAL_STATE_', ''), workflow: a.workflow, runId: a.runId,
    prediction: a.prediction ? normPrediction(a.prediction) : null,
    kind: a.target && a.target.kind, entity: a.target && a.target.id, reasonRequested: a.reasonRequested,
    minConfidence: a.minConfidence, blastPerHour: a.blastRadiusPerHour, blastUsed: a.blastRadiusUsed,
    actions: a.actions || [], requestedAt: ms(a.requestTime), expiresAt: ms(a.expireTime),
    decidedAt: ms(a.decideTime), decidedBy: a.decidedBy || '', reason: a.reason || '',
  };
}

function normAction(a) {
  return {
    id: a.actionId, predictionId: a.predictionId, runId: a.runId, decision: a.decision, decidedBy: a.decidedBy,
    decidedAt: ms(a.decideTime), reason: a.reason, outcome: a.outcome || '', outcomeAt: ms(a.outcomeTime),
    kind: a.target && a.target.kind, entity: a.target && a.target.id,
    riskBefore: a.riskBefore ?? null, riskAfter: a.riskAfter ?? null,
  };
}

export function entityKey(kind, id) {
  return `${kind || 'service'}/${id}`;
}

export class Mesh {
  constructor() {
    this.entities = new Map();
    this.stories = new Map();
    this.runs = new Map();
    this.approvals = new Map();
    this.thresholds = new Map();
    this.listeners = new Set();
    this.version = 0;
    this.storyVersion = 0;
    this.events = 0;
  }

  onChange(fn) {
    this.listeners.add(fn);
  }

  changed(what) {
    this.version++;
    // what the story lanes draw: everything but a risk reading
    if (what !== 'risk') this.storyVersion++;
    for (const fn of this.listeners) fn(what);
  }

  entity(kind, id) {
    const key = entityKey(kind, id);
    let e = this.entities.get(key);
    if (!e) {
      e = {
        key, kind: kind || 'service', id, risk: null, threshold: null, model: '', version: '', at: null,
        series: new Series(), prediction: null, action: null, remediation: null,
      };
      this.entities.set(key, e);
      this.entitiesChanged = true;
    }
    return e;
  }

  /** Sorted entity list (by kind, then id). */
  list() {
    return [...this.entities.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  }

  story(prediction) {
    let st = this.stories.get(prediction.id);
    if (!st) {
      st = new Story(prediction);
      this.stories.set(prediction.id, st);
    } else if (prediction.threshold !== null || !st.prediction.threshold) {
      st.prediction = {...st.prediction, ...prediction};
    }
    return st;
  }

  // ---- history (REST) and events share these ----

  addRisk(kind, id, risk, time, detail = {}) {
    const e = this.entity(kind, id);
    e.series.add(time, risk);
    if (e.at === null || time >= e.at) {
      e.risk = risk;
      e.at = time;
    }
    // the model's threshold, name and version hold whatever the order the readings come in
    if (detail.threshold !== undefined && detail.threshold !== null) {
      e.threshold = detail.threshold;
      if (!this.thresholds.has(e.kind)) {
        this.thresholds.set(e.kind, detail.threshold);
        for (const other of this.entities.values()) {
          if (other.kind === e.kind && other.threshold === null) other.threshold = detail.threshold;
        }
      }
    } else if (e.threshold === null && this.thresholds.has(e.kind)) {
      // aggregates do not carry it: entities of a kind are scored by one model
      e.threshold = this.thresholds.get(e.kind);
    }
    if (detail.model) e.model = detail.model;
    if (detail.version) e.version = detail.version;
    return e;
  }

  /**
   * A per-minute aggregate; or, with {@code step} (ms), the riskiest of a downsampled listing's step
   * ({@code GET /api/model-runs?step=}), which stands for its whole step: a point a minute across the step, as
   * the per-minute aggregates it replaces (the heatmap carries a risk over short gaps only).
   */
  addAggregate(run, step = 0) {
    let out;
    try {
      out = JSON.parse(run.outputJson);
    } catch {
      return;
    }
    const risk = out.riskMax ?? out.risk;
    if (typeof risk !== 'number') return;
    const at = ms(run.executeTime);
    if (step > 0) {
      const start = Math.floor(at / step) * step;
      for (let t = start; t < start + step; t += 60e3) this.addRisk(run.target.kind, run.target.id, risk, t);
    } else {
      this.addRisk(run.target.kind, run.target.id, risk, at);
    }
  }

  addPrediction(raw) {
    const p = normPrediction(raw);
    const st = this.story(p);
    const e = this.addRisk(p.kind, p.entity, p.risk, p.at,
      {threshold: p.threshold ?? undefined, model: p.model, version: p.version});
    if (!e.prediction || p.at >= e.prediction.at) e.prediction = st.prediction;
    return st;
  }

  addRun(raw) {
    const r = normRun(raw);
    this.runs.set(r.id, r);
    // a run on a model or a workflow (the learning loop's, a schedule's) is no node of the service map
    const e = r.entity && r.kind !== 'model' && r.kind !== 'workflow' ? this.entity(r.kind, r.entity) : null;
    if (r.predictionId && raw.prediction) {
      const st = this.story(normPrediction(raw.prediction));
      const i = st.runs.findIndex(x => x.id === r.id);
      if (i >= 0) st.runs[i] = r;
      else st.runs.push(r);
    }
    if (e) {
      if (r.state === 'RUNNING') e.remediation = {runId: r.id, phase: 'running', workflow: r.workflow, since: r.startedAt};
      else if (e.remediation && e.remediation.runId === r.id && r.state !== 'AWAITING_APPROVAL') {
        // the run ended: the node keeps moving until the outcome is judged
        e.remediation = {...e.remediation, phase: 'judging', state: r.state};
      }
    }
    return r;
  }

  addApproval(raw) {
    const a = normApproval(raw);
    this.approvals.set(a.id, a);
    if (a.prediction) {
      const st = this.story(a.prediction);
      st.approval = a;
    }
    return a;
  }

  addAction(raw) {
    const a = normAction(raw);
    const st = a.predictionId ? this.stories.get(a.predictionId) : null;
    if (st) {
      const i = st.actions.findIndex(x => x.id === a.id);
      if (i >= 0) st.actions[i] = a;
      else st.actions.push(a);
    }
    if (a.entity) {
      const e = this.entity(a.kind, a.entity);
      if (!e.action || (a.decidedAt || 0) >= (e.action.decidedAt || 0)) e.action = a;
      if (a.outcome && e.remediation && (e.remediation.runId === a.runId || !a.runId)) e.remediation = null;
    }
    return a;
  }

  pendingApprovals() {
    return [...this.approvals.values()].filter(a => a.state === 'PENDING')
      .sort((a, b) => (a.expiresAt || 0) - (b.expiresAt || 0));
  }

  /** Applies one event envelope from the stream; returns what changed ('risk', 'story', 'approval', null). */
  apply(envelope) {
    this.events++;
    const subject = envelope.subject || '';
    const p = envelope.payload || {};
    if (subject.startsWith('entity.risk.')) {
      this.addRisk(p.entity, p.id, p.risk, ms(p.observedTime) || ms(envelope.time),
        {threshold: p.threshold, model: p.model, version: p.modelVersion});
      return 'risk';
    }
    if (subject.startsWith('prediction.created')) {
      this.addPrediction(p);
      return 'story';
    }
    if (subject.startsWith('approval.')) {
      this.addApproval(p);
      return 'approval';
    }
    if (subject.startsWith('workflow.run.')) {
      if (p.runId) this.addRun(p);
      return 'story';
    }
    if (subject.startsWith('remediation.outcome.')) {
      this.addAction(p);
      return 'story';
    }
    return null;
  }

  /** Everything known at time t (playback): each entity's risk then, and which were being remediated. */
  stateAt(t) {
    const state = new Map();
    for (const e of this.entities.values()) {
      state.set(e.key, {risk: e.series.at(t), remediating: false, outcome: null});
    }
    for (const st of this.stories.values()) {
      const from = st.actedFrom;
      if (!from || from > t) continue;
      const s = state.get(entityKey(st.prediction.kind, st.prediction.entity));
      if (!s) continue;
      const judged = st.judgedAt;
      if (!judged || judged > t) s.remediating = true;
      else if (t - judged < 60000) s.outcome = st.outcome;
    }
    return state;
  }

  /** The live state: current risks, remediation in progress. */
  stateNow() {
    const state = new Map();
    const now = Date.now();
    for (const e of this.entities.values()) {
      const recent = e.action && e.action.outcomeAt && now - e.action.outcomeAt < 60000 ? e.action.outcome : null;
      state.set(e.key, {risk: e.risk, remediating: !!e.remediation, outcome: recent});
    }
    return state;
  }

  /** Time span of everything known, [from, to] in ms. */
  span() {
    let from = Infinity;
    let to = -Infinity;
    for (const e of this.entities.values()) {
      if (e.series.n) {
        from = Math.min(from, e.series.t[0]);
        to = Math.max(to, e.series.t[e.series.n - 1]);
      }
    }
    for (const st of this.stories.values()) {
      from = Math.min(from, st.predictedAt || Infinity);
      to = Math.max(to, st.end || -Infinity);
    }
    return from === Infinity ? null : [from, to];
  }
}
