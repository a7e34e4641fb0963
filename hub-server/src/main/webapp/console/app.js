// The CommandCenter console ("Autonomy View"): sign-in, the live mesh, playback, insight cards,
// approvals, the kill switch and prediction history — all through the hub's REST API and its
// event stream, as the signed-in key.
import {h, replace, perFrame, dateTime} from './dom.js';
import {Api, ApiError} from './api.js';
import {EventStream} from './stream.js';
import {Mesh} from './store.js';
import {ServiceMap} from './map.js';
import {Heatmap} from './heatmap.js';
import {Timeline} from './timeline.js';
import {insightCard, storyDetails} from './insight.js';
import {ApprovalPopup} from './approvals.js';
import {History} from './history.js';

const SESSION = 'cc.console.session';
const THEME = 'cc.console.theme';
/** What the console follows: one stream (comma-separated patterns). */
export const PATTERN = 'entity.risk,prediction.created,approval,workflow.run,remediation.outcome';
const HISTORY_HOURS = 24;
/** The newest hours read at full resolution; older ones in steps of COARSE_STEP (ms). */
const FINE_HOURS = 1;
const COARSE_STEP = 10 * 60e3;
const USER = /^[A-Za-z0-9][A-Za-z0-9._@+\-]{0,63}$/;

const app = document.getElementById('app');
let current = null;

function theme(value) {
  const chosen = value || localStorage.getItem(THEME)
    || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
  document.documentElement.dataset.theme = chosen;
  return chosen;
}

export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('p', {class: `toast ${kind}`}, message);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

function roleName(role) {
  return String(role || '').replace('KEY_ROLE_', '').toLowerCase();
}

// ---------------------------------------------------------------- sign-in

function signIn(message = '', kind = 'error') {
  if (current) current.stop();
  current = null;
  sessionStorage.removeItem(SESSION);
  const key = h('input', {id: 'key', name: 'key', type: 'password', required: true, autocomplete: 'off',
    spellcheck: 'false', placeholder: 'cck_… or an identity provider’s token'});
  const user = h('input', {id: 'user', name: 'user', autocomplete: 'username', placeholder: 'optional, e.g. ana',
    pattern: USER.source.slice(1, -1), title: 'a login or e-mail address: letters, digits, . _ @ + -, at most 64'});
  const project = h('input', {id: 'project', name: 'project', placeholder: 'the key’s own, or default',
    pattern: '[a-z0-9][a-z0-9._\\-]{0,62}', title: 'a project id: lower-case letters, digits, . _ -'});
  const status = h('p', {id: 'signin-message', class: message ? kind : '', role: 'alert'}, message);
  const button = h('button', {type: 'submit', class: 'primary', id: 'signin'}, 'Sign in');
  const form = h('form', {class: 'signin', 'aria-labelledby': 'signin-title', onsubmit: async ev => {
    ev.preventDefault();
    const session = {token: key.value.trim(), user: user.value.trim(), project: project.value.trim()};
    if (session.user && !USER.test(session.user)) {
      status.textContent = 'Your name must be a login or e-mail address (letters, digits, . _ @ + -).';
      status.className = 'error';
      return;
    }
    button.disabled = true;
    status.className = '';
    status.textContent = 'Checking the key…';
    try {
      const me = await new Api(session).get('api/whoami');
      session.project = me.projectId;
      sessionStorage.setItem(SESSION, JSON.stringify(session));
      start(session, me);
    } catch (e) {
      status.className = 'error';
      status.textContent = refusal(e);
      button.disabled = false;
      key.focus();
    }
  }},
  h('h1', {id: 'signin-title'}, 'CommandCenter'),
  h('p', {class: 'muted'}, 'Watch the mesh predict and heal, and decide.'),
  status,
  h('label', {for: 'key'}, 'API key or token'), key,
  h('label', {for: 'user'}, 'Your name (recorded with the key’s: “ana (key ops)”)'), user,
  h('label', {for: 'project'}, 'Project'), project,
  button,
  h('p', {class: 'muted small'}, 'The key stays in this browser tab only (session storage) and is sent as ',
    h('code', {}, 'Authorization: Bearer'), '; signing out or closing the tab forgets it. A hub started with ',
    h('code', {}, 'bin/hub'), ' keeps its administrator key in ', h('code', {}, './data/admin.key'),
    '; ', h('code', {}, 'bin/cc keys create'), ' makes others. A token from your identity provider works too.'));
  replace(app, h('main', {class: 'signin-page'}, form));
  key.focus();
}

function refusal(e) {
  if (!(e instanceof ApiError)) return String(e);
  if (e.httpStatus === 401) return `The hub refused these credentials — ${e.describe()}`;
  if (e.httpStatus === 403) return `These credentials may not read this project — ${e.describe()}`;
  return e.describe();
}

// ---------------------------------------------------------------- the console

class Console {
  constructor(session, me) {
    this.session = session;
    this.me = me;
    this.api = new Api(session, e => signIn(`Signed out: the hub refused your credentials (${e.describe()}).`));
    this.mesh = new Mesh();
    this.selected = null;
    this.canDecide = (me.permissions || []).includes('DECIDE');
    this.canGlobal = me.role === 'KEY_ROLE_ADMIN' && !me.keyProjectId;
    this.canTrain = (me.permissions || []).includes('ADMINISTER');
    this.autonomy = null;
    this.lastLanes = {version: -1, at: 0};
    this.lastCard = null;
    this.lastHeat = 0;
    this.redraw = perFrame(() => this.draw());
  }

  stop() {
    if (this.stream) this.stream.stop();
    clearInterval(this.ticker);
    if (this.approvals) this.approvals.close();
    if (this.approvals) this.approvals.el.remove();
  }

  render() {
    const role = roleName(this.me.role);
    const decideHint = this.canDecide ? '' : `your role (${role}) may not change autonomy: it needs an operator's or an administrator's key`;
    this.autonomyText = h('span', {id: 'autonomy-state'}, 'autonomy …');
    this.autonomyButton = h('button', {type: 'button', id: 'autonomy-toggle', disabled: !this.canDecide,
      title: decideHint || 'Pause or resume automatic actions', onclick: () => this.autonomyDialog()}, 'Pause…');
    const trainHint = this.canTrain ? 'Retrain a model now: the learning loop\'s run (collect, train, evaluate, register)'
      : `your role (${role}) may not retrain models: it needs an administrator's key`;
    this.trainButton = h('button', {type: 'button', id: 'retrain', disabled: !this.canTrain, title: trainHint,
      onclick: () => this.trainDialog()}, 'Retrain…');
    this.streamState = h('span', {id: 'stream-state'}, 'connecting');
    this.eventCount = h('span', {id: 'event-count'}, '0 events');
    const approvalsBadge = h('button', {type: 'button', id: 'approvals-badge', onclick: () => this.approvals.offer(true)},
      'Approvals');
    const projectControl = this.me.keyProjectId
      ? h('span', {class: 'chip', id: 'project-name', title: 'this key covers only this project'}, this.session.project)
      : h('form', {class: 'project-switch', onsubmit: ev => {
        ev.preventDefault();
        const next = ev.target.elements.project.value.trim();
        if (next && next !== this.session.project) {
          const session = {...this.session, project: next};
          sessionStorage.setItem(SESSION, JSON.stringify(session));
          start(session);
        }
      }}, h('label', {for: 'project-input', class: 'sr-only'}, 'Project'),
      h('input', {id: 'project-input', name: 'project', value: this.session.project, size: 12,
        pattern: '[a-z0-9][a-z0-9._\\-]{0,62}', 'aria-label': 'Project'}),
      h('button', {type: 'submit'}, 'Switch'));
    const themeButton = h('button', {type: 'button', id: 'theme', 'aria-label': 'Switch light or dark theme',
      onclick: () => {
        const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
        localStorage.setItem(THEME, next);
        theme(next);
        this.heatmap.render(true);
      }}, '◐ Theme');
    const tabs = [['autonomy', 'Autonomy View'], ['predictions', 'Predictions']];
    this.views = {
      autonomy: h('section', {id: 'view-autonomy', class: 'view', 'aria-label': 'Autonomy View'}),
      predictions: h('section', {id: 'view-predictions', class: 'view', 'aria-label': 'Prediction history', hidden: true}),
    };
    this.tabButtons = tabs.map(([id, label]) => h('a', {href: `#${id}`, id: `tab-${id}`, role: 'tab'}, label));
    replace(app,
      h('header', {class: 'top'}, h('strong', {class: 'brand'}, 'CommandCenter'),
        h('nav', {role: 'tablist', 'aria-label': 'Views'}, this.tabButtons),
        h('span', {class: 'spacer'}), projectControl, this.autonomyText, this.autonomyButton, this.trainButton, approvalsBadge,
        h('span', {id: 'whoami', title: `${this.me.actor}, credential ${this.me.credentialId}`},
          `${this.me.name} (${role})`), themeButton,
        h('button', {type: 'button', id: 'signout', onclick: () => signIn('Signed out.', 'info')}, 'Sign out')),
      h('main', {}, this.views.autonomy, this.views.predictions),
      h('footer', {class: 'status'}, 'stream: ', this.streamState, ' · ', this.eventCount, ' · ',
        h('span', {class: 'legend'}, 'risk ', h('span', {class: 'legend-scale', 'aria-hidden': 'true'}),
          ' 0 → threshold (orange) → 100% · ▲ prediction · ◆ decision · ▬ action · ● outcome (',
          h('span', {class: 'o-recovered'}, 'recovered'), ', ', h('span', {class: 'o-not_recovered'}, 'not recovered'),
          ', ', h('span', {class: 'o-worse'}, 'worse'), ') · ring: confidence')));

    const mapBox = h('div', {class: 'panel map-panel'}, h('h2', {}, 'Service map'));
    this.card = h('aside', {class: 'panel card-panel', id: 'insight', 'aria-live': 'polite'});
    const heatBox = h('div', {class: 'panel heat-panel'}, h('h2', {}, 'Risk heatmap'));
    const timeBox = h('div', {class: 'panel timeline-panel'}, h('h2', {}, 'Timeline'));
    this.views.autonomy.append(h('div', {class: 'top-row'}, mapBox, this.card), heatBox, timeBox);
    this.map = new ServiceMap(mapBox, this.mesh, key => this.select(key));
    this.heatmap = new Heatmap(heatBox, this.mesh, {onSelect: key => this.select(key), onSeek: t => this.timeline.seek(t)});
    this.timeline = new Timeline(timeBox, this.mesh, {
      onTime: () => this.redraw(), onPeriod: () => this.redraw(), onOpenStory: st => this.openStory(st)});
    this.history = new History(this.views.predictions, this.api);
    this.approvals = new ApprovalPopup(this.api, this.mesh, {canDecide: this.canDecide, role, notify: m => toast(m)});
    this.approvals.badge = approvalsBadge;
    this.storyDialog = h('dialog', {id: 'story', 'aria-labelledby': 'story-title'});
    app.append(this.storyDialog);
    app.addEventListener('open-story', ev => this.openStory(ev.detail));
    window.onhashchange = () => this.route();
    this.route();
    this.card.append(insightCard(null, this.mesh));
  }

  route() {
    const view = location.hash === '#predictions' ? 'predictions' : 'autonomy';
    for (const [id, el] of Object.entries(this.views)) el.hidden = id !== view;
    for (const a of this.tabButtons) a.setAttribute('aria-selected', String(a.id === `tab-${view}`));
    if (view === 'predictions' && !this.historyLoaded) {
      this.historyLoaded = true;
      this.history.load(true);
    }
    if (view === 'autonomy') this.heatmap.render(true);
  }

  select(key) {
    this.selected = key;
    this.map.selected = key;
    this.lastCard = null;
    this.redraw();
  }

  openStory(st) {
    replace(this.storyDialog, h('h2', {id: 'story-title'}, `Story of ${st.prediction.entity}, ${dateTime(st.predictedAt)}`),
      storyDetails(st), h('form', {method: 'dialog'}, h('button', {type: 'submit', id: 'story-close'}, 'Close')));
    if (!this.storyDialog.open) this.storyDialog.showModal();
  }

  async load() {
    const since = `${HISTORY_HOURS}h`;
    // the last hour at the hub's resolution (an aggregate a minute); the hours before, downsampled by the hub
    // to each entity's riskiest aggregate per step: a day of a large mesh in a few pages
    const fine = Math.floor((Date.now() - FINE_HOURS * 3600e3) / COARSE_STEP) * COARSE_STEP;
    const fineSince = new Date(fine).toISOString();
    const failures = [];
    const guard = (what, promise) => promise.catch(e => {
      if (e instanceof ApiError && e.httpStatus === 401) throw e;
      failures.push(`${what}: ${e.describe ? e.describe() : e}`);
      return [];
    });
    const [aggregates, older, predictions, runs, actions, approvals] = await Promise.all([
      guard('risk history', this.api.pages('api/model-runs', {kind: 'AGGREGATE', since: fineSince, limit: 1000},
        'runs', 50)),
      guard('older risk history', this.api.pages('api/model-runs', {kind: 'AGGREGATE', since, until: fineSince,
        step: `${COARSE_STEP / 60e3}m`, limit: 1000}, 'runs', 100)),
      guard('predictions', this.api.pages('api/predictions', {since, limit: 500}, 'predictions', 10)),
      guard('runs', this.api.pages('api/runs', {limit: 500}, 'runs', 4)),
      guard('decisions', this.api.pages('api/prediction-actions', {limit: 500}, 'actions', 4)),
      guard('approvals', this.api.get('api/approvals', {state: 'PENDING', limit: 500}).then(r => r.approvals || [])),
      this.loadAutonomy(),
    ]);
    // listed newest first; the series take them oldest first (appended, not inserted)
    for (let i = older.length - 1; i >= 0; i--) this.mesh.addAggregate(older[i], COARSE_STEP);
    for (let i = aggregates.length - 1; i >= 0; i--) this.mesh.addAggregate(aggregates[i]);
    predictions.forEach(p => this.mesh.addPrediction(p));
    runs.slice().reverse().forEach(r => this.mesh.addRun(r));
    actions.slice().reverse().forEach(a => this.mesh.addAction(a));
    approvals.forEach(a => this.mesh.addApproval(a));
    // a run still going at load: its node moves until the outcome comes
    this.mesh.changed('load');
    if (failures.length) toast(`Some history could not be read: ${failures.join('; ')}`, 'error');
    this.approvals.offer();
    this.redraw();
  }

  async loadAutonomy() {
    try {
      this.autonomy = await this.api.get('api/autonomy');
    } catch (e) {
      if (e instanceof ApiError && e.httpStatus === 401) throw e;
      this.autonomy = null;
    }
    this.showAutonomy();
  }

  showAutonomy() {
    const a = this.autonomy;
    if (!a) {
      this.autonomyText.textContent = 'autonomy unknown';
      return;
    }
    const paused = a.project && a.project.paused;
    const global = a.global && a.global.paused;
    const by = x => `${x.changedBy}${x.reason ? `: “${x.reason}”` : ''}`;
    this.autonomyText.textContent = global ? `autonomy paused for every project by ${by(a.global)}`
      : paused ? `autonomy paused by ${by(a.project)}` : 'autonomy on';
    this.autonomyText.className = global || paused ? 'paused' : 'on';
    this.autonomyButton.textContent = paused || global ? 'Resume…' : 'Pause…';
  }

  autonomyDialog() {
    const a = this.autonomy || {project: {}, global: {}};
    const pausedNow = !!(a.project && a.project.paused);
    const globalNow = !!(a.global && a.global.paused);
    const reason = h('textarea', {id: 'autonomy-reason', rows: 2, required: true, maxlength: 500});
    const globalBox = h('input', {type: 'checkbox', id: 'autonomy-global', disabled: !this.canGlobal});
    const error = h('p', {class: 'error', role: 'alert'});
    const dialog = h('dialog', {id: 'autonomy-dialog', 'aria-labelledby': 'autonomy-title'});
    const submit = async pause => {
      if (!reason.value.trim()) {
        error.textContent = 'Say why: the reason is recorded in the audit ledger.';
        reason.focus();
        return;
      }
      try {
        await this.api.put('api/autonomy', {paused: pause, global: globalBox.checked, reason: reason.value.trim()});
        dialog.close();
        toast(pause ? 'Automatic actions paused: every new decision asks a person.' : 'Automatic actions resumed.');
        await this.loadAutonomy();
      } catch (e) {
        error.textContent = e.httpStatus === 403 ? `Refused: ${e.message}` : e.describe ? e.describe() : String(e);
      }
    };
    replace(dialog, h('h2', {id: 'autonomy-title'}, 'Automatic actions'),
      h('p', {}, `This project: ${pausedNow ? 'paused' : 'on'}. Every project: ${globalNow ? 'paused' : 'on'}.`),
      h('label', {for: 'autonomy-reason'}, 'Reason (recorded)'), reason,
      h('label', {class: 'check', title: this.canGlobal ? 'The global kill switch: every project'
        : 'Only an administrator of every project may use the global kill switch'}, globalBox,
      ' every project (global kill switch)'),
      error,
      h('div', {class: 'buttons'},
        h('button', {type: 'button', id: 'autonomy-pause', class: 'danger', onclick: () => submit(true)}, 'Pause'),
        h('button', {type: 'button', id: 'autonomy-resume', onclick: () => submit(false)}, 'Resume'),
        h('button', {type: 'button', onclick: () => dialog.close()}, 'Cancel')));
    dialog.addEventListener('close', () => dialog.remove());
    app.append(dialog);
    dialog.showModal();
    reason.focus();
  }

  /**
   * Starts the learning loop's run on a model (POST api/models/{name}/train): the challenger is trained on
   * the shipped corpus and this project's labelled data, judged against the champion and promoted only
   * if it is measurably better; the run shows in the workflow runs like any other.
   */
  trainDialog() {
    const models = ['service_health', 'workflow_failure', 'compliance_risk'];
    const model = h('select', {id: 'train-model'}, ...models.map(m => h('option', {value: m}, m)));
    const reason = h('textarea', {id: 'train-reason', rows: 2, required: true, maxlength: 500});
    const error = h('p', {class: 'error', role: 'alert'});
    const result = h('p', {id: 'train-result', role: 'status'});
    const dialog = h('dialog', {id: 'train-dialog', 'aria-labelledby': 'train-title'});
    const start = h('button', {type: 'button', id: 'train-start', class: 'primary'}, 'Start retraining');
    start.onclick = async () => {
      if (!reason.value.trim()) {
        error.textContent = 'Say why: the reason is recorded in the audit ledger.';
        reason.focus();
        return;
      }
      error.textContent = '';
      start.disabled = true;
      try {
        const answer = await this.api.post(`api/models/${encodeURIComponent(model.value)}/train`, {reason: reason.value.trim()});
        const run = answer.run || {};
        result.textContent = `Run ${run.runId || '?'} started (${(run.state || '').replace('RUN_STATE_', '').toLowerCase()}):`
          + ' the challenger is registered, and promoted only if it beats the champion.';
        toast(`Retraining ${model.value}: run ${run.runId || ''}`);
      } catch (e) {
        error.textContent = e.httpStatus === 403 ? `Refused: ${e.message}` : e.describe ? e.describe() : String(e);
      } finally {
        start.disabled = false;
      }
    };
    replace(dialog, h('h2', {id: 'train-title'}, 'Retrain a model'),
      h('p', {}, 'Trains a challenger on the shipped corpus and this project\'s labelled data (feedback and memory), '
        + 'evaluates it against the champion on a time-ordered holdout and promotes it only on a measurable gain.'),
      h('label', {for: 'train-model'}, 'Model'), model,
      h('label', {for: 'train-reason'}, 'Reason (recorded)'), reason,
      error, result,
      h('div', {class: 'buttons'}, start, h('button', {type: 'button', id: 'train-close', onclick: () => dialog.close()}, 'Close')));
    dialog.addEventListener('close', () => dialog.remove());
    app.append(dialog);
    dialog.showModal();
    reason.focus();
  }

  follow() {
    let starts = 0;
    this.stream = new EventStream(this.api, PATTERN, {
      onEvent: env => {
        const what = this.mesh.apply(env);
        if (what) this.mesh.changed(what);
        if (what === 'approval') this.approvals.offer();
        if ((env.subject || '').startsWith('prediction.created') && env.payload && env.payload.predictionId) {
          // the event is the summary: the prediction itself has the confidence's terms, the
          // threshold and the model run
          this.api.get(`api/predictions/${encodeURIComponent(env.payload.predictionId)}`).then(full => {
            this.mesh.addPrediction(full);
            this.mesh.changed('story');
            this.redraw();
          }).catch(() => {});
        }
        this.redraw();
      },
      onStarted: () => {
        starts++;
        if (starts > 1) {
          // events may have been missed while reconnecting: read what decides
          this.loadAutonomy();
          this.api.get('api/approvals', {state: 'PENDING', limit: 500}).then(r => {
            (r.approvals || []).forEach(a => this.mesh.addApproval(a));
            this.approvals.offer();
          }).catch(() => {});
        }
      },
      onDropped: info => toast(`The hub dropped ${info.count} events: this console read too slowly.`, 'error'),
      onStatus: (state, detail) => {
        this.streamState.textContent = detail ? `${state} (${detail})` : state;
        this.streamState.className = state;
      },
      onRefused: e => toast(`The event stream was refused: ${e.describe()}`, 'error'),
    });
    this.stream.start();
    // a clock for the live window and countdowns; the hub is not asked anything by it
    this.ticker = setInterval(() => this.redraw(), 1000);
  }

  draw() {
    const live = this.timeline.live;
    const state = live ? this.mesh.stateNow() : this.mesh.stateAt(this.timeline.time);
    this.map.render(state, !live);
    const [from, to] = this.timeline.window();
    const now = performance.now();
    // live, the heatmap's cells are redrawn twice a second at most (less often when drawing them is
    // slow), however many events arrive
    let heat = !live;
    if (!live || now - this.lastHeat > this.heatmap.liveInterval() || this.heatmap.drawn.version === -1) {
      this.heatmap.setWindow(from, to);
      this.lastHeat = now;
      heat = true;
    }
    this.heatmap.cursor = live ? null : this.timeline.time;
    if (heat && !this.views.autonomy.hidden) this.heatmap.render();
    if (this.lastLanes.version !== this.mesh.storyVersion || (live && now - this.lastLanes.at > 5000)
        || this.lastLanes.from !== (live ? null : from) || this.lastLanes.period !== this.timeline.period) {
      this.timeline.renderLanes();
      this.lastLanes = {version: this.mesh.storyVersion, at: now, from: live ? null : from,
        period: this.timeline.period};
    }
    // the card is redrawn when what it shows changed, keeping the keyboard focus where it was
    const e = this.selected ? this.mesh.entities.get(this.selected) : null;
    const cardKey = e ? [e.key, e.risk, e.at, e.threshold, e.model, e.version, e.prediction && e.prediction.id,
      e.prediction && !!e.prediction.terms, e.action && e.action.id, e.action && e.action.outcome,
      e.remediation && e.remediation.phase].join('|') : '';
    if (this.lastCard !== cardKey) {
      this.lastCard = cardKey;
      const focused = this.card.contains(document.activeElement) && document.activeElement.dataset.story;
      replace(this.card, insightCard(e, this.mesh));
      if (focused) {
        const again = this.card.querySelector(`[data-story="${CSS.escape(focused)}"]`);
        if (again) again.focus();
      }
    }
    this.eventCount.textContent = `${this.mesh.events} events`;
    let names = document.getElementById('entity-names');
    if (!names) {
      names = h('datalist', {id: 'entity-names'});
      app.append(names);
    }
    if (names.children.length !== this.mesh.entities.size) {
      replace(names, this.mesh.list().map(e => h('option', {value: e.id})));
    }
  }
}

async function start(session, me) {
  if (current) current.stop();
  const c = new Console(session, me || {});
  current = c;
  try {
    if (!me) c.me = await c.api.get('api/whoami');
    c.canDecide = (c.me.permissions || []).includes('DECIDE');
    c.canGlobal = c.me.role === 'KEY_ROLE_ADMIN' && !c.me.keyProjectId;
    c.render();
    c.follow();
    await c.load();
  } catch (e) {
    if (current !== c) return;
    if (e instanceof ApiError && (e.httpStatus === 401 || e.httpStatus === 403)) signIn(refusal(e));
    else toast(`The console could not start: ${e.describe ? e.describe() : e}`, 'error');
  }
}

/** For benchmarks and tests: the console's state (no credentials in it). */
window.ccConsole = () => current && {mesh: current.mesh, timeline: current.timeline, heatmap: current.heatmap,
  map: current.map, draw: () => current.draw()};

theme();
const saved = sessionStorage.getItem(SESSION);
if (saved) {
  try {
    start(JSON.parse(saved));
  } catch {
    signIn();
  }
} else {
  signIn();
}
