import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget, OutboundDelivery } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { PUSHBULLET_API } from './pushbullet.kind';

// Pushbullet documents no body limit (UNCONFIRMED): pushes are kept to 4,096 characters, the title to 250.
export const PUSHBULLET_MAX = 4096;

// Pushbullet POST /v2/pushes, JSON, Access-Token header: a note, or a link push when the message has a link. guid,
// the same on every retry of one delivery, makes a retried push "mostly idempotent". Plain text: nothing is markup.
// Errors {error: {type, message, cat}}: 401 the token; 400 naming the target field the target; 429 rate limit with
// X-Ratelimit-Reset.
export class PushbulletDestination extends ChannelDestination {
  readonly kind = 'pushbullet';

  protected call(target: DestinationTarget, t: ChannelText, d: OutboundDelivery): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? PUSHBULLET_API).replace(/\/+$/, '');
    const fitted = fitBody(t.body, PUSHBULLET_MAX, (b) => Array.from(b).length);
    const body = {
      type: t.link ? 'link' : 'note', title: clipTo(t.title, 250), body: fitted.body, ...(t.link ? { url: t.link } : {}), guid: `hostdigest-${d.id}`,
      ...(c.deviceIden ? { device_iden: c.deviceIden } : {}), ...(c.email ? { email: c.email } : {}), ...(c.channelTag ? { channel_tag: c.channelTag } : {}),
    };
    return {
      url: `${api}/v2/pushes`, headers: { 'content-type': 'application/json', 'access-token': target.secrets.accessToken }, body: JSON.stringify(body),
      summary: { type: body.type, title: t.title, truncated: fitted.truncated, guid: body.guid },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const e = b?.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
    const reason = e ? `${e.type ?? ''} ${e.message ?? ''}`.trim() : excerpt(res.body);
    if (res.status === 429) {
      const reset = Number(res.headers['x-ratelimit-reset']);
      return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${reason}`, retryAfterSeconds: retryAfterHeader(res) ?? (reset ? reset - Date.now() / 1000 : null) };
    }
    if (res.status === 400 && /device_iden|email|channel_tag|channel/i.test(String(e?.message ?? ''))) return { ok: false, kind: 'config', reason: `HTTP 400 ${reason}` };
    const v = byStatus(res, reason);
    return v.ok ? { ok: true, response: { iden: b?.iden ?? null } } : v;
  }
}
