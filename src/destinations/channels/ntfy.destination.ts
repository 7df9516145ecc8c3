import type { HttpResponse } from '../../http/http-client';
import { clipTo, fitBody, NTFY_PRIORITY, utf8Bytes } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, Verdict } from './channel-destination';
import { NTFY_SERVER } from './ntfy.kind';

// ntfy keeps a message of up to 4,096 bytes (a longer one becomes an attachment): ours always fits.
export const NTFY_MAX_BYTES = 4096;

// ntfy JSON publish: POST to the server's root with {topic, title, message, priority 1..5, tags, click, icon}; plain
// text (markdown off), so nothing in it is markup. Errors are {code, http, error, link}: 40101/40301 the token,
// 42901/42908 rate limits (no Retry-After found in the server), 413 too large.
export class NtfyDestination extends ChannelDestination {
  readonly kind = 'ntfy';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const server = String(c.serverUrl ?? NTFY_SERVER).replace(/\/+$/, '');
    const fitted = fitBody(t.body, NTFY_MAX_BYTES, utf8Bytes);
    const click = (c.click as string | undefined) ?? t.link ?? undefined;
    const body = {
      topic: c.topic, title: clipTo(t.title, 250), message: fitted.body, priority: NTFY_PRIORITY[t.severity],
      ...(Array.isArray(c.tags) && c.tags.length ? { tags: c.tags } : {}), ...(click ? { click } : {}), ...(c.icon || t.icon ? { icon: c.icon ?? t.icon } : {}),
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (target.secrets.token) headers.authorization = `Bearer ${target.secrets.token}`;
    return { url: `${server}/`, headers, body: JSON.stringify(body), summary: { server, topic: c.topic, title: t.title, priority: body.priority, truncated: fitted.truncated } };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    const v = byStatus(res, b ? `${b.code ?? ''} ${b.error ?? ''}`.trim() : excerpt(res.body));
    return v.ok ? { ok: true, response: { messageId: b?.id ?? null } } : v;
  }
}
