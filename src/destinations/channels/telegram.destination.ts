import type { HttpResponse } from '../../http/http-client';
import { escapeMarkdownV2, fitBody } from '../channel-format';
import type { ChannelText } from '../channel-message';
import type { DestinationTarget } from '../destination';
import { byStatus, ChannelCall, ChannelDestination, excerpt, json, retryAfterHeader, Verdict } from './channel-destination';
import { TELEGRAM_API } from './telegram.kind';

// sendMessage takes 1 to 4,096 characters of text after entities parsing (the escapes do not count).
export const TELEGRAM_MAX = 4096;

// Telegram sendMessage with parse_mode MarkdownV2: every piece of text escaped (backslash first, then the 18
// characters), the link in a [Open](…) whose ')' and '\' are escaped. Answers are {ok, result} or {ok:false,
// error_code, description, parameters}: 429 carries parameters.retry_after, a migrated group migrate_to_chat_id.
export class TelegramDestination extends ChannelDestination {
  readonly kind = 'telegram';

  protected call(target: DestinationTarget, t: ChannelText): ChannelCall {
    const c = target.config;
    const api = String(c.apiUrl ?? TELEGRAM_API).replace(/\/+$/, '');
    const linkText = t.link ? '\nOpen' : '';
    const fitted = fitBody(t.body, TELEGRAM_MAX, (b) => t.title.length + 1 + Array.from(b).length + linkText.length);
    const link = t.link ? `\n[Open](${t.link.replace(/[\\)]/g, (ch) => `\\${ch}`)})` : '';
    const text = `*${escapeMarkdownV2(t.title)}*\n${escapeMarkdownV2(fitted.body)}${link}`;
    const body: Record<string, unknown> = { chat_id: c.chatId, text, parse_mode: 'MarkdownV2', link_preview_options: { is_disabled: true } };
    if (c.messageThreadId) body.message_thread_id = c.messageThreadId;
    if (c.silent) body.disable_notification = true;
    return {
      url: `${api}/bot${target.secrets.botToken}/sendMessage`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      summary: { api: new URL(api).host, chatId: c.chatId, title: t.title, truncated: fitted.truncated },
    };
  }

  protected judge(res: HttpResponse): Verdict {
    const b = json(res.body);
    if (b?.ok === true) return { ok: true, response: { messageId: (b.result as { message_id?: number } | undefined)?.message_id ?? null } };
    const description = typeof b?.description === 'string' ? b.description : excerpt(res.body);
    const params = (b?.parameters ?? {}) as { retry_after?: number; migrate_to_chat_id?: number };
    if (res.status === 429) return { ok: false, kind: 'rate_limited', reason: description, retryAfterSeconds: params.retry_after ?? retryAfterHeader(res) };
    if (params.migrate_to_chat_id) return { ok: false, kind: 'config', reason: `${description}: set config.chatId to ${params.migrate_to_chat_id}` };
    if (res.status === 401 || res.status === 404) return { ok: false, kind: 'credentials', reason: description };
    // 403 "bot was blocked by the user" / "bot is not a member", 400 "chat not found": the chat, not the message.
    if (res.status === 403 || /chat not found|chat_id is empty/i.test(description)) return { ok: false, kind: 'config', reason: description };
    return byStatus(res, description);
  }
}
