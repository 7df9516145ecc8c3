import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, utf8Bytes } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget, OutboundDelivery } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, Verdict } from './channel-destination';
import { ONESIGNAL_API } from './onesignal.kind';

// A push's text must leave room in the 4 KB APNs/FCM payload: contents kept to 2,048 bytes, headings to 250
// characters (OneSignal's own limits are UNCONFIRMED).
export const ONESIGNAL_MAX_BYTES = 2048;

// OneSignal POST /notifications, JSON, Authorization: Key <App API key>. idempotency_key is the delivery's id, so a
// retried send within 30 days returns the first result instead of a second push. A 200 may still be a failure:
// id "" with errors (no subscribed recipient), read as a config error; errors beside a real id are kept as warnings.
export class OneSignalDestination extends ChannelDestination {
  readonly kind = 'onesignal';

  protected call(target: DestinationTarget, t: ChannelText, d: OutboundDelivery): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? ONESIGNAL_API).replace(/\/+$/, '');
    const fitted = fitBody(t.body || t.title, ONESIGNAL_MAX_BYTES, utf8Bytes);
    const audience = c.segments ? { included_segments: c.segments } : c.externalIds ? { include_aliases: { external_id: c.externalIds } } : { include_subscription_ids: c.subscriptionIds };
    const body = {
      app_id: c.appId, target_channel: 'push', ...audience, headings: { en: clipTo(t.title, 250) }, contents: { en: fitted.body }, idempotency_key: d.id,
      ...(t.link ? { url: t.link } : {}), ...(c.icon || t.icon ? { large_icon: c.icon ?? t.icon, chrome_web_icon: c.icon ?? t.icon } : {}),
    };
    return {
      url: `${api}/notifications`, headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Key ${target.secrets.apiKey}` }, body: JSON.stringify(body),
      summary: { appId: c.appId, title: t.title, truncated: fitted.truncated, idempotencyKey: d.id },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const errors = b?.errors === undefined || b?.errors === null ? '' : typeof b.errors === 'string' ? b.errors : JSON.stringify(b.errors);
    if (res.status === 200 && b) {
      if (typeof b.id === 'string' && b.id) return { ok: true, response: { notificationId: b.id, ...(errors ? { warnings: errors.slice(0, 500) } : {}) } };
      return { ok: false, kind: 'config', reason: `HTTP 200 no notification created: ${errors.slice(0, 300) || excerpt(res.body)}` };
    }
    const reason = errors ? errors.slice(0, 300) : excerpt(res.body);
    if (res.status === 400 && /app_id/i.test(reason)) return { ok: false, kind: 'config', reason: `HTTP 400 ${reason}` };
    return byStatus(res, reason);
  }
}
