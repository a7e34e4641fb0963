// Insight cards: what the console knows of one entity (risk, next recommended action, confidence
// and its terms, top factors, last remediation, model and version), and the detail of one story
// or prediction.
import {h, pct, clock, dateTime, ago} from './dom.js';
import {riskColour, inkOn, OUTCOME} from './scale.js';

function row(label, ...value) {
  return [h('dt', {}, label), h('dd', {}, ...value)];
}

export function riskBadge(risk, threshold) {
  const above = risk !== null && threshold !== null && risk >= threshold;
  return h('span', {class: `badge${above ? ' above' : ''}`, style: risk === null ? ''
    : `background:${riskColour(risk, threshold)};color:${inkOn(risk, threshold)}`}, risk === null ? 'not scored' : `${pct(risk)}${above ? ' !' : ''}`);
}

export function factorsTable(factors) {
  if (!factors || !factors.length) return h('p', {class: 'muted'}, 'No factors.');
  return h('table', {class: 'factors'},
    h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', {}, 'metric'), h('th', {class: 'num'}, 'value'),
      h('th', {class: 'num'}, 'contribution'))),
    h('tbody', {}, factors.map(f => h('tr', {}, h('td', {}, f.feature), h('td', {}, f.metric || '–'),
      h('td', {class: 'num'}, Number(f.value).toPrecision(4)),
      h('td', {class: 'num'}, `${f.contribution >= 0 ? '+' : ''}${Number(f.contribution).toFixed(3)}`)))));
}

export function termsList(p) {
  if (!p.terms) return pct(p.confidence);
  const t = p.terms;
  return h('span', {}, pct(p.confidence), h('span', {class: 'muted'},
    ` = calibration ${pct(t.calibration)} × amount ${pct(t.amount)} × freshness ${pct(t.freshness)}`
    + ` × agreement ${pct(t.agreement)}`));
}

/** The card of an entity. */
export function insightCard(e, mesh) {
  if (!e) return h('p', {class: 'muted'}, 'Select a node (click, or Tab then Enter) to see its insight card.');
  const p = e.prediction;
  const a = e.action;
  const open = p && (!a || a.predictionId !== p.id || !a.outcome) && e.risk !== null && e.threshold !== null
    && e.risk >= e.threshold;
  const next = open ? `${p.action} (recommended by the latest prediction)`
    : e.risk !== null && e.threshold !== null && e.risk < e.threshold ? 'none: risk below the threshold' : '–';
  const story = p ? mesh.stories.get(p.id) : null;
  return h('article', {class: 'card', 'aria-label': `Insight card: ${e.id}`, dataset: {entity: e.id}},
    h('h2', {}, e.id, ' ', riskBadge(e.risk, e.threshold)),
    h('dl', {},
      row('kind', e.kind),
      row('risk now', e.risk === null ? 'not scored yet' : pct(e.risk),
        e.threshold !== null ? h('span', {class: 'muted'}, ` (threshold ${pct(e.threshold)}, ${ago(e.at)})`) : ''),
      row('next action', h('span', {class: 'next-action'}, next)),
      row('confidence', p ? termsList(p) : h('span', {class: 'muted'}, 'computed when a prediction is raised')),
      row('model', e.model ? `${e.model} ${e.version}` : p ? `${p.model} ${p.version}` : '–'),
      row('last prediction', p ? `${dateTime(p.at)}, risk ${pct(p.risk)}` : 'none'),
      row('last remediation', a ? h('span', {class: 'last-remediation'}, `${a.decision} ${dateTime(a.decidedAt)}`
        + ` by ${a.decidedBy || 'engine'}: `, a.outcome ? outcomeWord(a.outcome) : 'outcome not judged yet')
        : 'none'),
      e.remediation ? row('now', h('strong', {}, e.remediation.phase === 'running'
        ? `${e.remediation.workflow || 'remediation'} running` : 'remediation done, outcome being judged')) : null),
    p ? h('h3', {}, 'Top factors of the latest prediction') : null,
    p ? factorsTable(p.factors) : null,
    story ? h('button', {type: 'button', class: 'link', dataset: {story: story.id},
      onclick: ev => ev.target.dispatchEvent(new CustomEvent('open-story', {bubbles: true, detail: story}))},
    'Open its story') : null,
    p ? h('h3', {}, 'Similar past incidents') : null,
    p ? similarList(p) : null);
}

/** The memory's most similar past incidents of a prediction: when, how alike, what was done, what came of it. */
export function similarList(p) {
  const items = p.similar || [];
  return h('div', {class: 'similar'},
    items.length ? h('ul', {}, items.map(x => h('li', {},
      `${x.entity} ${dateTime(x.at)} · ${Math.round(100 * x.similarity)} % alike · ${x.action || 'nothing done'} → `,
      x.outcome ? outcomeWord(x.outcome) : 'not judged'))) : h('p', {class: 'muted small'}, 'None remembered yet.'),
    p.note ? h('p', {class: 'why-action small'}, `Why this action: ${p.note}`) : null);
}

export function outcomeWord(outcome) {
  const o = OUTCOME[outcome];
  return h('span', {class: 'outcome', style: o ? `border-color:${o.colour}` : ''}, o ? o.word : outcome);
}

/** A story: the prediction, the decision, the action, the outcome. */
export function storyDetails(st) {
  const p = st.prediction;
  const run = st.run;
  const a = st.action;
  return h('div', {class: 'story'},
    h('ol', {class: 'steps'},
      h('li', {}, h('strong', {}, 'Prediction '), `${dateTime(p.at)}: ${p.entity} at risk ${pct(p.risk)}`
        + `${p.threshold !== null ? ` (threshold ${pct(p.threshold)})` : ''}, confidence ${pct(p.confidence)},`
        + ` recommends ${p.action}; ${p.model} ${p.version}`),
      h('li', {}, h('strong', {}, 'Decision '), st.decision ? `${st.decision}${st.decidedAt ? ` ${dateTime(st.decidedAt)}` : ''}`
        + `${a && a.decidedBy ? ` by ${a.decidedBy}` : ''}${a && a.reason ? ` — “${a.reason}”` : ''}`
        + `${st.approval && st.approval.reasonRequested ? ` (asked because ${st.approval.reasonRequested})` : ''}`
        : 'none recorded (no workflow matched, or not yet decided)'),
      h('li', {}, h('strong', {}, 'Action '), run ? `${run.workflow}: ${run.state.toLowerCase()}`
        + `${run.startedAt ? `, ${clock(run.startedAt)}–${run.endedAt ? clock(run.endedAt) : '…'}` : ''}` : 'none',
      run && run.nodes.length ? h('ul', {}, run.nodes.map(n => h('li', {},
        `${n.id}: ${n.agent}.${n.action} ${String(n.state || '').replace('NODE_STATE_', '').toLowerCase()}`
        + `${n.error ? ` (${n.error})` : ''}`))) : null),
      h('li', {}, h('strong', {}, 'Outcome '), a && a.outcome ? h('span', {}, outcomeWord(a.outcome),
        ` ${dateTime(a.outcomeAt)}: risk ${pct(a.riskBefore)} → ${pct(a.riskAfter)}`) : 'not judged yet')),
    h('h3', {}, 'Top factors'), factorsTable(p.factors));
}
