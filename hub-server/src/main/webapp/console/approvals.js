// The approval popup: appears when an approval is requested (or is waiting at sign-in), shows what
// the engine proposes and why a person is asked, counts down to its expiry (expiry is a
// rejection), and approves or rejects with a reason. A role that may not decide sees the buttons
// disabled, with the reason in their tooltip.
import {h, replace, pct, duration, dateTime} from './dom.js';
import {factorsTable, termsList, riskBadge, similarList} from './insight.js';

export class ApprovalPopup {
  constructor(api, mesh, {canDecide, role, notify}) {
    this.api = api;
    this.mesh = mesh;
    this.canDecide = canDecide;
    this.role = role;
    this.notify = notify;
    this.current = null;
    this.dismissed = new Set();
    this.el = h('section', {id: 'approval', class: 'popup', role: 'alertdialog', 'aria-modal': 'false',
      'aria-labelledby': 'approval-title', hidden: true});
    document.body.append(this.el);
    this.timer = null;
    this.badge = null;
  }

  /** Shows the earliest-expiring pending approval not dismissed, if the popup is free. */
  offer(force = false) {
    const pending = this.mesh.pendingApprovals();
    if (this.badge) {
      this.badge.textContent = pending.length ? `Approvals (${pending.length})` : 'Approvals';
      this.badge.classList.toggle('attention', pending.length > 0);
    }
    if (this.current && pending.some(a => a.id === this.current.id)) {
      this.render(pending);
      return;
    }
    const next = pending.find(a => force || !this.dismissed.has(a.id));
    if (!next) {
      this.close();
      return;
    }
    const first = !this.current;
    this.current = next;
    this.render(pending);
    if (first || force) this.el.querySelector('textarea').focus();
  }

  close() {
    this.current = null;
    this.el.hidden = true;
    clearInterval(this.timer);
  }

  render(pending) {
    const a = this.current;
    const p = a.prediction || {};
    const position = pending.findIndex(x => x.id === a.id) + 1;
    const forbidden = this.canDecide ? '' : `your role (${this.role}) may not decide approvals: it needs an operator's or an administrator's key`;
    const countdown = h('strong', {class: 'countdown', 'aria-live': 'off'});
    const reason = h('textarea', {id: 'approval-reason', rows: 2, maxlength: 500,
      placeholder: 'Why (required to reject; recorded with your name)'});
    const error = h('p', {class: 'error', role: 'alert', id: 'approval-error'});
    const approve = h('button', {type: 'button', id: 'approve', class: 'primary', disabled: !this.canDecide,
      title: forbidden || 'Run the workflow now', onclick: () => this.decide('approve', reason, error)}, 'Approve');
    const reject = h('button', {type: 'button', id: 'reject', disabled: !this.canDecide,
      title: forbidden || 'Do nothing (recorded as a rejection)', onclick: () => this.decide('reject', reason, error)},
    'Reject');
    replace(this.el,
      h('header', {}, h('h2', {id: 'approval-title'}, `Approval requested: ${a.workflow} on ${a.entity}`),
        h('span', {class: 'muted'}, pending.length > 1 ? `${position} of ${pending.length}` : '')),
      h('p', {}, riskBadge(p.risk ?? null, p.threshold ?? null), ` ${p.action || ''} recommended, `,
        'confidence ', p.terms ? termsList(p) : pct(p.confidence)),
      h('p', {class: 'why'}, `Asked because ${a.reasonRequested || 'the workflow needs a person'}.`),
      h('p', {}, 'Would run: ', h('code', {}, a.actions.join(' → ') || '–'),
        h('span', {class: 'muted'}, ` · blast radius ${a.blastUsed}/${a.blastPerHour} this hour · requested ${dateTime(a.requestedAt)}`)),
      factorsTable(p.factors),
      p.similar && p.similar.length ? h('h3', {}, 'What happened the last times') : null,
      p.similar && p.similar.length ? similarList(p) : null,
      h('p', {}, 'Expires in ', countdown, h('span', {class: 'muted'}, ' (expiry rejects it)')),
      h('label', {for: 'approval-reason'}, 'Reason'), reason, error,
      h('div', {class: 'buttons'}, approve, reject,
        h('button', {type: 'button', id: 'approval-later', onclick: () => {
          this.dismissed.add(a.id);
          this.close();
          this.offer();
        }}, 'Later')),
      forbidden ? h('p', {class: 'muted small'}, forbidden) : null);
    this.el.dataset.approval = a.id;
    this.el.hidden = false;
    const tick = () => {
      const left = (a.expiresAt || 0) - Date.now();
      countdown.textContent = left > 0 ? duration(left) : 'now (expiring)';
      countdown.classList.toggle('urgent', left < 60000);
    };
    tick();
    clearInterval(this.timer);
    this.timer = setInterval(tick, 1000);
  }

  async decide(kind, reasonField, error) {
    const a = this.current;
    const reason = reasonField.value.trim();
    if (kind === 'reject' && !reason) {
      error.textContent = 'A rejection needs a reason.';
      reasonField.focus();
      return;
    }
    error.textContent = '';
    for (const b of this.el.querySelectorAll('button')) b.disabled = true;
    try {
      const answer = await this.api.post(`api/approvals/${encodeURIComponent(a.id)}/${kind}`, {reason});
      this.mesh.addApproval(answer.approval);
      if (answer.run) this.mesh.addRun(answer.run);
      this.notify(kind === 'approve' ? `Approved: ${a.workflow} runs on ${a.entity}.` : `Rejected: nothing runs on ${a.entity}.`);
      this.current = null;
      this.offer();
    } catch (e) {
      error.textContent = e.httpStatus === 403 ? `Refused: ${e.message}`
        : e.httpStatus === 412 ? `Already decided elsewhere: ${e.message}` : e.describe ? e.describe() : String(e);
      for (const b of this.el.querySelectorAll('button')) b.disabled = !this.canDecide && b.id !== 'approval-later';
      this.el.querySelector('#approval-later').disabled = false;
    }
  }
}
