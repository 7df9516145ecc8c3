import type { HttpResponse } from '../../http/http-client';
import { escapeDiscord, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, hostOf, json, retryAfterHeader, Verdict } from './channel-destination';

export const DISCORD_MAX = 2000; // content, in characters

// Discord webhook: `content` markdown-escaped, allowed_mentions {parse: []} so that nothing pings (the webhook
// default would still parse users), ?wait=true to get the message (200) rather than 204. A 429 says how long in its
// body (retry_after, float seconds), X-RateLimit-Reset-After and Retry-After; 401/404 (50027 invalid token, 10015
// unknown webhook) mean the webhook is gone.
export class DiscordDestination extends ChannelDestination {
  readonly kind = 'discord';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const head = `**${escapeDiscord(t.title)}**`;
    const tail = t.link ? `\n<${t.link}>` : '';
    const fitted = fitBody(t.body, DISCORD_MAX, (b) => head.length + 1 + escapeDiscord(b).length + tail.length);
    const content = `${head}\n${escapeDiscord(fitted.body)}${tail}`;
    const url = new URL(target.secrets.webhookUrl);
    url.searchParams.set('wait', 'true');
    const body: Record<string, unknown> = { content, allowed_mentions: { parse: [] } };
    if (target.config.username) body.username = target.config.username;
    // The destination's own avatar, else the brand's logo.
    if (target.config.avatarUrl || t.icon) body.avatar_url = target.config.avatarUrl ?? t.icon;
    return {
      url: url.href, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      summary: { host: hostOf(url.href), title: t.title, chars: content.length, truncated: fitted.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const body = json(res.body);
    if (res.status === 200 || res.status === 204) return { ok: true, response: { messageId: body?.id ?? null } };
    const reason = body ? `${body.code ?? ''} ${body.message ?? ''}`.trim() : excerpt(res.body);
    if (res.status === 429) {
      const after = typeof body?.retry_after === 'number' ? body.retry_after : Number(res.headers['x-ratelimit-reset-after']) || retryAfterHeader(res);
      return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${reason}`, retryAfterSeconds: after };
    }
    return byStatus(res, reason);
  }
}
