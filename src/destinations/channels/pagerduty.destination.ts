import { createHash } from 'node:crypto';
import type { HttpResponse } from '../../http/http-client';
import { clipTo, PAGERDUTY_SEVERITY } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { PAGERDUTY_HOSTS } from './pagerduty.kind';

// PagerDuty suggests retrying a 429 "3 times with each request being 30 seconds apart"; it sends no Retry-After.
const RATE_LIMIT_WAIT_SECONDS = 30;

// PagerDuty Events v2 enqueue: a trigger with dedup_key = the incident's key (so a repeat folds into the open alert),
// summary ≤ 1024, severity on PagerDuty's scale; a message that says the incident recovered resolves the same
// dedup_key. 202 {status, message, dedup_key}; 400 the event is invalid (a bad routing key too); 429 back off.
export class PagerDutyDestination extends ChannelDestination {
  readonly kind = 'pagerduty';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const base = String(c.apiUrl ?? PAGERDUTY_HOSTS[(c.region as 'us' | 'eu') ?? 'us']).replace(/\/+$/, '');
    const dedupKey = t.key.length <= 255 ? t.key : `sha256:${createHash('sha256').update(t.key).digest('hex')}`;
    const body: Record<string, unknown> =
      t.action === 'resolve'
        ? { routing_key: target.secrets.routingKey, event_action: 'resolve', dedup_key: dedupKey }
        : {
            routing_key: target.secrets.routingKey, event_action: 'trigger', dedup_key: dedupKey, client: 'hostdigest',
            payload: {
              summary: clipTo(t.title, 1024), source: c.source ?? 'hostdigest', severity: PAGERDUTY_SEVERITY[t.severity],
              ...(t.timestamp && !Number.isNaN(Date.parse(t.timestamp)) ? { timestamp: new Date(t.timestamp).toISOString() } : {}),
              ...(c.component ? { component: c.component } : {}), ...(c.group ? { group: c.group } : {}), ...(c.class ? { class: c.class } : {}),
              custom_details: { details: clipTo(t.body, 20_000), ...(t.type ? { type: t.type } : {}) },
            },
            ...(t.link ? { links: [{ href: t.link, text: 'Open' }] } : {}),
          };
    return {
      url: `${base}/v2/enqueue`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      summary: { eventAction: body.event_action, dedupKey, title: t.title, severity: PAGERDUTY_SEVERITY[t.severity] },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const reason = b ? `${b.message ?? b.status ?? ''}${Array.isArray(b.errors) ? `: ${b.errors.join('; ')}` : ''}` : excerpt(res.body);
    if (res.status >= 200 && res.status < 300) return { ok: true, response: { dedupKey: b?.dedup_key ?? null } };
    if (res.status === 429) return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${reason}`, retryAfterSeconds: retryAfterHeader(res) ?? RATE_LIMIT_WAIT_SECONDS };
    if (res.status === 400 && /routing[ _]key/i.test(reason)) return { ok: false, kind: 'credentials', reason: `HTTP 400 ${reason}` };
    return byStatus(res, reason);
  }
}
