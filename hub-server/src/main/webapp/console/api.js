// The hub's REST API as the signed-in user: every call carries the key (Authorization: Bearer),
// the project (X-CC-Project) and the declared user (X-CC-User). Paths are relative to the page, so
// the console works wherever the application is deployed.

/** A refused or failed call: the hub's error body ({code, status, reason, message, violations}). */
export class ApiError extends Error {
  constructor(httpStatus, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${httpStatus}`);
    this.httpStatus = httpStatus;
    this.status = e.status || (httpStatus === 0 ? 'UNAVAILABLE' : `HTTP_${httpStatus}`);
    this.reason = e.reason || '';
    this.violations = e.violations || [];
  }

  /** One line for a person: what went wrong and, for bad fields, which. */
  describe() {
    const fields = this.violations.map(v => `${v.field}: ${v.message}`).join('; ');
    return `${this.reason || this.status}: ${this.message}${fields && !this.message.includes(fields) ? ` (${fields})` : ''}`;
  }
}

export class Api {
  /**
   * @param {{token: string, user?: string, project?: string}} session
   * @param {(e: ApiError) => void} onUnauthenticated called on every 401 (the console signs out)
   */
  constructor(session, onUnauthenticated = () => {}) {
    this.session = session;
    this.onUnauthenticated = onUnauthenticated;
  }

  headers(extra = {}) {
    const h = {Authorization: `Bearer ${this.session.token}`, Accept: 'application/json', ...extra};
    if (this.session.project) h['X-CC-Project'] = this.session.project;
    if (this.session.user) h['X-CC-User'] = this.session.user;
    return h;
  }

  url(path, params = {}) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== '') q.append(k, v);
    }
    const query = q.toString();
    return query ? `${path}?${query}` : path;
  }

  async request(method, path, {params, body, signal} = {}) {
    let response;
    try {
      response = await fetch(this.url(path, params), {
        method, signal, cache: 'no-store',
        headers: this.headers(body === undefined ? {} : {'Content-Type': 'application/json'}),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, {error: {message: `the hub cannot be reached (${e.message})`}});
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const error = new ApiError(response.status, json);
      if (response.status === 401) this.onUnauthenticated(error);
      throw error;
    }
    return json;
  }

  get(path, params) {
    return this.request('GET', path, {params});
  }

  post(path, body = {}) {
    return this.request('POST', path, {body});
  }

  put(path, body = {}) {
    return this.request('PUT', path, {body});
  }

  /** Follows nextPageToken for at most maxPages pages; returns every item of list field `field`. */
  async pages(path, params, field, maxPages = 20) {
    const out = [];
    let token = '';
    for (let i = 0; i < maxPages; i++) {
      const page = await this.get(path, {...params, pageToken: token});
      out.push(...(page[field] || []));
      token = page.nextPageToken || '';
      if (!token) break;
    }
    return out;
  }
}
