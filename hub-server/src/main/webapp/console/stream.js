// The hub's event stream (GET /api/events, Server-Sent Events) read with fetch(): EventSource
// cannot send the Authorization header, and credentials never go in a URL. Reconnects with
// exponential backoff (1 s doubling to 30 s, reset once a stream has started); a 429 waits at least
// its Retry-After.
import {ApiError} from './api.js';

export class EventStream {
  /**
   * @param api      the signed-in Api (headers)
   * @param pattern  comma-separated subject patterns
   * @param handlers {onEvent(envelope), onStarted(info), onDropped(info), onStatus(state, detail), onRefused(ApiError)}
   */
  constructor(api, pattern, handlers) {
    this.api = api;
    this.pattern = pattern;
    this.handlers = handlers;
    this.controller = null;
    this.stopped = true;
    this.delay = 1000;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.status('stopped');
  }

  status(state, detail = '') {
    if (this.handlers.onStatus) this.handlers.onStatus(state, detail);
  }

  async connect() {
    if (this.stopped) return;
    this.controller = new AbortController();
    this.status('connecting');
    try {
      const response = await fetch(this.api.url('api/events', {pattern: this.pattern}), {
        headers: {...this.api.headers(), Accept: 'text/event-stream'},
        signal: this.controller.signal, cache: 'no-store',
      });
      if (response.status === 401 || response.status === 403) {
        let body = null;
        try {
          body = await response.json();
        } catch {
          body = null;
        }
        const error = new ApiError(response.status, body);
        this.stopped = true;
        this.status('refused', error.describe());
        if (response.status === 401) this.api.onUnauthenticated(error);
        if (this.handlers.onRefused) this.handlers.onRefused(error);
        return;
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('Retry-After'));
        const error = new Error('too many calls (HTTP 429)');
        error.retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
        throw error;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      await this.read(response.body.getReader());
      if (!this.stopped) throw new Error('the hub ended the stream');
    } catch (e) {
      if (this.stopped) return;
      const wait = Math.max(this.delay, e.retryAfterMs || 0);
      this.delay = Math.min(30000, this.delay * 2);
      this.status('reconnecting', `${e.message}; again in ${Math.round(wait / 1000)} s`);
      this.timer = setTimeout(() => this.connect(), wait);
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buffer = '';
    let message = {event: '', data: [], id: ''};
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, {stream: true});
      let newline;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (message.data.length) this.dispatch(message.event, message.data.join('\n'));
          message = {event: '', data: [], id: ''};
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          let value = colon < 0 ? '' : line.slice(colon + 1);
          if (value.startsWith(' ')) value = value.slice(1);
          if (field === 'data') message.data.push(value);
          else if (field === 'event') message.event = value;
          else if (field === 'id') message.id = value;
        }
      }
    }
  }

  dispatch(name, data) {
    let json;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    if (name === 'started') {
      this.delay = 1000;
      this.status('live');
      if (this.handlers.onStarted) this.handlers.onStarted(json);
    } else if (name === 'dropped') {
      if (this.handlers.onDropped) this.handlers.onDropped(json);
    } else if (!name || name === 'message') {
      this.handlers.onEvent(json);
    }
  }
}
