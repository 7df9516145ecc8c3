import type { HttpResponse } from '../../http/http-client';
import { escapeAngle, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, hostOf, json, Verdict } from './channel-destination';

// Google's own text limit (4,096 characters) is UNCONFIRMED; Apprise keeps 4,000. Ours: 4,000.
export const GOOGLE_CHAT_MAX = 4000;

// Google Chat: {text} with & < > entity-escaped, so that <users/all> and <url|x> cannot form. Errors are Google's
// {error: {code, message, status}}; 429 asks for exponential backoff (no Retry-After documented).
export class GoogleChatDestination extends ChannelDestination {
  readonly kind = 'googlechat';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const head = `*${escapeAngle(t.title)}*`;
    const tail = t.link ? `\n<${t.link.replace(/[|<>]/g, encodeURIComponent)}|Open>` : '';
    const fitted = fitBody(t.body, GOOGLE_CHAT_MAX, (b) => head.length + 1 + escapeAngle(b).length + tail.length);
    const text = `${head}\n${escapeAngle(fitted.body)}${tail}`;
    const url = target.secrets.webhookUrl;
    return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ text }), summary: { host: hostOf(url), title: t.title, chars: text.length, truncated: fitted.truncated } };
  }

  protected judge(res: HttpResponse): Verdict {
    const error = json(res.body)?.error as { status?: string; message?: string } | undefined;
    const v = byStatus(res, error ? `${error.status ?? ''} ${error.message ?? ''}`.trim() : undefined);
    // An invalid API key is a 400 INVALID_ARGUMENT naming the key: the URL's key, not the message.
    if (!v.ok && res.status === 400 && /API key not valid/i.test(error?.message ?? '')) return { ...v, kind: 'credentials' };
    return v;
  }
}
