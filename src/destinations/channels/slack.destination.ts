import type { HttpResponse } from '../../http/http-client';
import { escapeAngle, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, hostOf, json, retryAfterHeader, Verdict } from './channel-destination';
import { SLACK_API } from './slack.kind';

// chat.postMessage takes 40,000 characters "or risk truncation"; Apprise keeps 35,000. Ours: 35,000.
export const SLACK_MAX = 35_000;
const CREDENTIALS = new Set(['not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'token_expired', 'missing_scope', 'no_permission', 'ekm_access_denied', 'org_login_required']);
const CONFIG = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'restricted_action_read_only_channel', 'restricted_action_thread_only_channel', 'restricted_action_non_threadable_channel', 'team_access_not_granted']);
const TRANSIENT = new Set(['fatal_error', 'internal_error', 'request_timeout', 'service_unavailable']);

// Slack: mrkdwn text with & < > entity-escaped (so <!channel>, <!here>, <@U…> and <url|x> cannot form) and never
// link_names or parse=full (which would link a plain @channel). Webhook: 200 "ok", errors as plain-text codes.
// chat.postMessage: errors inside a 200 ({"ok":false,"error"}), 429 "ratelimited" with Retry-After.
export class SlackDestination extends ChannelDestination {
  readonly kind = 'slack';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const head = `*${escapeAngle(t.title)}*`;
    const tail = t.link ? `\n<${t.link.replace(/[|<>]/g, encodeURIComponent)}|Open>` : '';
    const fitted = fitBody(t.body, SLACK_MAX, (b) => head.length + 1 + escapeAngle(b).length + tail.length);
    const text = `${head}\n${escapeAngle(fitted.body)}${tail}`;
    const summary = { title: t.title, chars: text.length, truncated: fitted.truncated };
    // The brand's logo as the message's icon only when the operator asks (config.brandIcon): chat.postMessage needs
    // the chat:write.customize scope for icon_url, and whether Slack refuses it without that scope (which would
    // disable a working bot) is UNCONFIRMED; of incoming webhooks only legacy custom integrations take icon_url (an
    // app's webhook cannot override its icon; whether it ignores or refuses the field is UNCONFIRMED).
    const icon = target.config.brandIcon === true ? t.icon : null;
    const webhookUrl = target.secrets.webhookUrl;
    if (webhookUrl) {
      const body = JSON.stringify({ text, ...(icon ? { icon_url: icon } : {}) });
      return { url: webhookUrl, headers: { 'content-type': 'application/json; charset=utf-8' }, body, summary: { ...summary, mode: 'webhook', host: hostOf(webhookUrl), ...(icon ? { icon: true } : {}) } };
    }
    const channel = String(target.config.channel);
    const base = String(target.config.apiUrl ?? SLACK_API).replace(/\/+$/, '');
    return {
      url: `${base}/chat.postMessage`,
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${target.secrets.botToken}` },
      body: JSON.stringify({ channel, text, unfurl_links: false, unfurl_media: false, ...(icon ? { icon_url: icon } : {}) }),
      summary: { ...summary, mode: 'bot', channel, ...(icon ? { icon: true } : {}) },
    };
  }

  protected judge(res: HttpResponse, call: ChannelCall): Verdict {
    if (res.status === 429) return { ok: false, kind: 'rate_limited', reason: `HTTP 429 ${excerpt(res.body)}`.trim(), retryAfterSeconds: retryAfterHeader(res) };
    if (call.summary.mode === 'webhook') {
      if (res.status >= 200 && res.status < 300) return { ok: true };
      const code = res.body.trim();
      // 404 no_service / invalid_token and 410 channel_is_archived: this webhook will not work again.
      if (res.status === 400) return { ok: false, kind: 'payload', reason: `HTTP 400 ${excerpt(code)}` };
      if (res.status === 403) return { ok: false, kind: 'config', reason: `HTTP 403 ${excerpt(code)}` };
      return byStatus(res, code);
    }
    if (res.status !== 200) return byStatus(res);
    const body = json(res.body);
    if (body?.ok === true) return { ok: true, response: { channel: body.channel ?? null, ts: body.ts ?? null } };
    const error = typeof body?.error === 'string' ? body.error : 'unreadable answer';
    if (error === 'ratelimited' || error === 'rate_limited') return { ok: false, kind: 'rate_limited', reason: error, retryAfterSeconds: retryAfterHeader(res) };
    if (CREDENTIALS.has(error)) return { ok: false, kind: 'credentials', reason: error };
    if (CONFIG.has(error)) return { ok: false, kind: 'config', reason: error };
    if (TRANSIENT.has(error) || !body) return { ok: false, kind: 'transient', reason: error };
    return { ok: false, kind: 'payload', reason: error };
  }
}
