// Prediction history: filter by entity, model and time; open one to see its confidence terms, its
// factors, the input the model saw (its model run) and what was decided about it.
import {h, replace, pct, dateTime} from './dom.js';
import {normPrediction} from './store.js';
import {factorsTable, termsList, riskBadge, outcomeWord} from './insight.js';

export class History {
  constructor(container, api) {
    this.api = api;
    this.token = '';
    this.seq = 0;
    this.entity = h('input', {id: 'f-entity', name: 'entity', placeholder: 'any', autocomplete: 'off', list: 'entity-names'});
    this.model = h('select', {id: 'f-model', name: 'model'}, h('option', {value: ''}, 'any'),
      ['service_health', 'compliance_risk', 'workflow_failure'].map(m => h('option', {value: m}, m)));
    this.since = h('select', {id: 'f-since', name: 'since'},
      [['1h', 'last hour'], ['24h', 'last 24 h'], ['7d', 'last 7 days'], ['', 'all']].map(([v, l]) =>
        h('option', {value: v, selected: v === '24h'}, l)));
    this.until = h('input', {id: 'f-until', name: 'until', placeholder: 'now (or 2026-12-06T10:00:00Z, 2h)'});
    this.error = h('p', {class: 'error', role: 'alert'});
    this.rows = h('tbody');
    this.more = h('button', {type: 'button', id: 'more', hidden: true, onclick: () => this.load(false)}, 'More');
    this.detail = h('section', {id: 'prediction-detail', class: 'detail', 'aria-live': 'polite'},
      h('p', {class: 'muted'}, 'Open a prediction to see its inputs and factors.'));
    const form = h('form', {class: 'filters', onsubmit: ev => {
      ev.preventDefault();
      this.load(true);
    }}, h('label', {}, 'Entity ', this.entity), h('label', {}, 'Model ', this.model),
    h('label', {}, 'Since ', this.since), h('label', {}, 'Until ', this.until),
    h('button', {type: 'submit', class: 'primary'}, 'Show'));
    container.append(form, this.error, h('div', {class: 'split'},
      h('div', {}, h('table', {class: 'predictions'}, h('thead', {}, h('tr', {},
        ['time', 'entity', 'risk', 'confidence', 'action', 'model'].map(c => h('th', {}, c)))), this.rows), this.more),
      this.detail));
  }

  async load(fresh) {
    // a newer listing (the filters changed) wins over one still on its way
    const seq = ++this.seq;
    if (fresh) this.token = '';
    this.error.textContent = '';
    try {
      const page = await this.api.get('api/predictions', {targetId: this.entity.value.trim(), model: this.model.value,
        since: this.since.value, until: this.until.value.trim(), limit: 50, pageToken: this.token});
      if (seq !== this.seq) return;
      if (fresh) this.rows.replaceChildren();
      for (const raw of page.predictions || []) {
        const p = normPrediction(raw);
        const open = () => this.open(p);
        this.rows.append(h('tr', {tabindex: 0, dataset: {prediction: p.id}, onclick: open,
          onkeydown: ev => { if (ev.key === 'Enter') open(); }},
        h('td', {}, dateTime(p.at)), h('td', {}, p.entity), h('td', {}, riskBadge(p.risk, p.threshold)),
        h('td', {}, pct(p.confidence)), h('td', {}, p.action), h('td', {}, `${p.model} ${p.version}`)));
      }
      if (!this.rows.children.length) this.rows.append(h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'No prediction matches.')));
      this.token = page.nextPageToken || '';
      this.more.hidden = !this.token;
    } catch (e) {
      if (seq === this.seq) this.error.textContent = e.describe ? e.describe() : String(e);
    }
  }

  async open(p) {
    for (const tr of this.rows.children) tr.classList.toggle('selected', tr.dataset.prediction === p.id);
    replace(this.detail, h('h2', {}, `${p.entity} `, riskBadge(p.risk, p.threshold)), h('p', {class: 'muted'}, 'Loading…'));
    let run = null;
    let actions = [];
    const problems = [];
    try {
      run = p.modelRunId ? await this.api.get(`api/model-runs/${encodeURIComponent(p.modelRunId)}`) : null;
    } catch (e) {
      problems.push(`model run: ${e.describe ? e.describe() : e}`);
    }
    try {
      actions = (await this.api.get('api/prediction-actions', {predictionId: p.id})).actions || [];
    } catch (e) {
      problems.push(`decisions: ${e.describe ? e.describe() : e}`);
    }
    let input = null;
    try {
      input = run ? JSON.parse(run.inputJson) : null;
    } catch {
      input = null;
    }
    replace(this.detail,
      h('h2', {}, `${p.entity} `, riskBadge(p.risk, p.threshold)),
      h('dl', {},
        h('dt', {}, 'raised'), h('dd', {}, dateTime(p.at)),
        h('dt', {}, 'confidence'), h('dd', {}, termsList(p)),
        h('dt', {}, 'recommended'), h('dd', {}, p.action),
        h('dt', {}, 'model'), h('dd', {}, `${p.model} ${p.version}, threshold ${pct(p.threshold)}`),
        h('dt', {}, 'decisions'), h('dd', {}, actions.length ? h('ul', {}, actions.map(a => h('li', {},
          `${a.decision} by ${a.decidedBy} ${dateTime(Date.parse(a.decideTime))}${a.reason ? ` — “${a.reason}”` : ''} `,
          a.outcome ? outcomeWord(a.outcome) : ''))) : 'none')),
      h('h3', {}, 'Top factors'), factorsTable(p.factors),
      h('h3', {}, 'Inputs the model saw'),
      input ? h('table', {class: 'inputs'}, h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', {}, 'metric'),
        h('th', {class: 'num'}, 'value'))), h('tbody', {}, Object.entries(input.features || {}).map(([name, value]) =>
        h('tr', {}, h('td', {}, name), h('td', {}, (input.metrics || {})[name] || '–'),
          h('td', {class: 'num'}, value === null ? '–' : Number(value).toPrecision(4))))))
        : h('p', {class: 'muted'}, 'The model run is not available.'),
      problems.length ? h('p', {class: 'error'}, problems.join('; ')) : null);
  }
}
