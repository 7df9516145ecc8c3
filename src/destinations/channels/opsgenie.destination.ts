import { createHash } from 'node:crypto';
import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, OPSGENIE_PRIORITY } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { OPSGENIE_HOSTS } from './opsgenie.kind';

export const OPSGENIE_MESSAGE_MAX = 130;
export const OPSGENIE_DESCRIPTION_MAX = 15_000;

// Opsgenie: create POST /v2/alerts with alias = the incident's key (one open alert per alias: a repeat raises its
// count), message ≤ 130 (the full title in the description, ≤ 15000), priority P1..P5; a recovery closes it with
// POST /v2/alerts/{alias}/close?identifierType=alias. Both answer 202 {result, took, requestId} and run later. 429
// says its window in X-RateLimit-Period-In-Sec.
export class OpsgenieDestination extends ChannelDestination {
  readonly kind = 'opsgenie';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const base = String(c.apiUrl ?? OPSGENIE_HOSTS[(c.region as 'us' | 'eu') ?? 'us']).replace(/\/+$/, '');
    const alias = t.key.length <= 512 ? t.key : `sha256:${createHash('sha256').update(t.key).digest('hex')}`;
    const headers = { 'content-type': 'application/json', authorization: `GenieKey ${target.secrets.apiKey}` };
    const source = (c.source as string | undefined) ?? 'hostdigest';
    if (t.action === 'resolve') {
      return {
        url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`, headers,
        body: JSON.stringify({ source, note: clipTo(t.title, 1000) }), summary: { action: 'close', alias, title: t.title },
      };
    }
    const tail = t.link ? `\n\n${t.link}` : '';
    const fitted = fitBody(t.body, OPSGENIE_DESCRIPTION_MAX, (b) => t.title.length + 2 + b.length + tail.length);
    const body = {
      message: clipTo(t.title, OPSGENIE_MESSAGE_MAX), alias, description: `${t.title}\n\n${fitted.body}${tail}`, priority: OPSGENIE_PRIORITY[t.severity], source,
      ...(Array.isArray(c.tags) && c.tags.length ? { tags: c.tags } : {}), ...(c.entity ? { entity: c.entity } : {}),
      details: { ...(t.type ? { type: t.type } : {}), ...(t.link ? { link: t.link } : {}) },
    };
    return { url: `${base}/v2/alerts`, headers, body: JSON.stringify(body), summary: { action: 'create', alias, title: t.title, priority: body.priority, truncated: fitted.truncated } };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const reason = typeof b?.message === 'string' ? b.message : excerpt(res.body);
    if (res.status >= 200 && res.status < 300) return { ok: true, response: { requestId: b?.requestId ?? null } };
    if (res.status === 429) {
      const period = Number(res.headers['x-ratelimit-period-in-sec']);
      return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${reason}`, retryAfterSeconds: retryAfterHeader(res) ?? (period > 0 ? period : null) };
    }
    if (res.status === 402) return { ok: false, kind: 'config', reason: `HTTP 402 ${reason}` }; // the account's plan
    if (res.status === 422) return { ok: false, kind: 'payload', reason: `HTTP 422 ${reason}` };
    return byStatus(res, reason);
  }
}
