import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, PUSHOVER_PRIORITY } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { PUSHOVER_API } from './pushover.kind';

// message 1,024 characters; title 250, url 512, url_title 100 (those three UNCONFIRMED).
export const PUSHOVER_MAX = 1024;

// Pushover messages.json, form-encoded, plain text (html not set). Priority from the severity on -2..1; with
// config.emergency a critical message goes at 2, with retry (≥ 30 s) and expire (≤ 10800 s). Errors are 4xx
// {status: 0, errors: […]}: a refused token or user key disables; 429 is the monthly quota (reset in X-Limit-App-Reset).
export class PushoverDestination extends ChannelDestination {
  readonly kind = 'pushover';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? PUSHOVER_API).replace(/\/+$/, '');
    const fitted = fitBody(t.body || t.title, PUSHOVER_MAX, (b) => Array.from(b).length);
    const priority = t.severity === 'critical' && c.emergency === true ? 2 : PUSHOVER_PRIORITY[t.severity];
    const form = new URLSearchParams({ token: target.secrets.appToken, user: target.secrets.userKey, message: fitted.body, title: clipTo(t.title, 250), priority: String(priority) });
    if (t.link && t.link.length <= 512) form.set('url', t.link), form.set('url_title', 'Open');
    if (c.device) form.set('device', String(c.device));
    if (c.sound) form.set('sound', String(c.sound));
    if (priority === 2) form.set('retry', String(c.retrySeconds ?? 900)), form.set('expire', String(c.expireSeconds ?? 3600));
    return {
      url: `${api}/1/messages.json`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
      summary: { title: t.title, priority, truncated: fitted.truncated, ...(priority === 2 ? { retry: form.get('retry'), expire: form.get('expire') } : {}) },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    if (res.status === 200 && b?.status === 1) return { ok: true, response: { request: b.request ?? null, receipt: b.receipt ?? null } };
    const errors = Array.isArray(b?.errors) ? (b!.errors as unknown[]).join('; ') : excerpt(res.body);
    if (res.status === 429) {
      const reset = Number(res.headers['x-limit-app-reset']);
      return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${errors}`, retryAfterSeconds: reset ? reset - Date.now() / 1000 : retryAfterHeader(res) };
    }
    if (res.status >= 500 || res.status === 408) return { ok: false, kind: 'transient', reason: `HTTP ${res.status} ${errors}` };
    if (res.status === 401 || /token is invalid|user (identifier|key) is (invalid|not a valid)|application token|user key is invalid/i.test(errors)) {
      return { ok: false, kind: 'credentials', reason: `HTTP ${res.status} ${errors}` };
    }
    return { ok: false, kind: 'payload', reason: `HTTP ${res.status} ${errors}` };
  }
}
