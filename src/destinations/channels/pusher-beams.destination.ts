import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, utf8Bytes } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, Verdict } from './channel-destination';

// APNs and FCM carry at most 4 KB: each platform's payload is kept to 4,000 bytes, the title to 100 characters
// (Beams' own size limit is UNCONFIRMED).
export const BEAMS_MAX_BYTES = 4000;

// Pusher Beams publish to interests: POST …/publish_api/v1/instances/{id}/publishes/interests, Bearer secret key,
// the same title and body for web, FCM and APNs (plain text on all three). 200 {publishId}; errors
// {error, description}: 401 the key, 404 the instance (both disable), other 4xx the payload, 5xx retried.
export class PusherBeamsDestination extends ChannelDestination {
  readonly kind = 'pusherbeams';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const id = encodeURIComponent(String(c.instanceId));
    const api = String(c.apiUrl ?? `https://${id}.pushnotifications.pusher.com`).replace(/\/+$/, '');
    const payloads = (b: string) => {
      const n = { title: clipTo(t.title, 100), body: b };
      return {
        web: { notification: { ...n, ...(t.link ? { deep_link: t.link } : {}), ...(c.icon || t.icon ? { icon: c.icon ?? t.icon } : {}) } },
        fcm: { notification: n, ...(t.link ? { data: { link: t.link } } : {}) },
        apns: { aps: { alert: n }, ...(t.link ? { data: { link: t.link } } : {}) },
      };
    };
    // Each platform's payload as sent (JSON-escaped) within the limit: the body is cut, the title and link kept.
    const size = (b: string) => Math.max(...Object.values(payloads(b)).map((x) => utf8Bytes(JSON.stringify(x))));
    const fitted = fitBody(t.body || t.title, BEAMS_MAX_BYTES, size);
    const body = { interests: c.interests, ...payloads(fitted.body) };
    return {
      url: `${api}/publish_api/v1/instances/${id}/publishes/interests`, headers: { 'content-type': 'application/json', authorization: `Bearer ${target.secrets.secretKey}` },
      body: JSON.stringify(body), summary: { instanceId: c.instanceId, interests: c.interests, title: t.title, truncated: fitted.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const v = byStatus(res, b ? `${b.error ?? ''}${b.description ? `: ${b.description}` : ''}`.trim() : excerpt(res.body));
    return v.ok ? { ok: true, response: { publishId: b?.publishId ?? null } } : v;
  }
}
