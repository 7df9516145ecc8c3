import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, GOTIFY_PRIORITY } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, Verdict } from './channel-destination';

// Gotify documents no limit; ours keeps a notification readable.
export const GOTIFY_MAX = 10_000;

// Gotify POST /message with X-Gotify-Key: {title, message, priority 1..10, extras} as plain text (no markdown
// extras, so nothing renders as markup); the link as the notification's click URL. Errors are
// {error, errorCode, errorDescription}; it has no rate limit.
export class GotifyDestination extends ChannelDestination {
  readonly kind = 'gotify';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const server = String(target.config.serverUrl).replace(/\/+$/, '');
    const fitted = fitBody(t.body, GOTIFY_MAX, (b) => b.length);
    const body: Record<string, unknown> = { title: clipTo(t.title, 250), message: fitted.body, priority: GOTIFY_PRIORITY[t.severity] };
    if (t.link) body.extras = { 'client::notification': { click: { url: t.link } } };
    return {
      url: `${server}/message`, headers: { 'content-type': 'application/json', 'x-gotify-key': target.secrets.appToken }, body: JSON.stringify(body),
      summary: { server, title: t.title, priority: body.priority, truncated: fitted.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const v = byStatus(res, b ? `${b.error ?? ''}: ${b.errorDescription ?? ''}` : excerpt(res.body));
    return v.ok ? { ok: true, response: { messageId: b?.id ?? null } } : v;
  }
}
