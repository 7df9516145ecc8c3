import type { FakeHandler } from './fake-channel-server';

// The Telegram Bot API (channels.md §6, tdlib/telegram-bot-api): POST /bot<token>/sendMessage; {ok:true, result} or
// {ok:false, error_code, description[, parameters]} with the HTTP status = error_code: 401 Unauthorized (wrong token),
// 400 chat not found, 400 message is too long (over 4096 characters after entities parsing), 400 can't parse
// entities (an unescaped MarkdownV2 character), 429 with parameters.retry_after and Retry-After.
export function telegramFake(token: string, chats: string[]): FakeHandler {
  const fail = (code: number, description: string, parameters?: object) => ({ status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } });
  return (r) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(r.url.pathname);
    if (!m || m[2].toLowerCase() !== 'sendmessage') return fail(404, 'Not Found');
    if (m[1] !== token) return fail(401, 'Unauthorized');
    const j = r.json;
    if (!j) return fail(400, 'Bad Request: message text is empty');
    if (!j.chat_id) return fail(400, 'Bad Request: chat_id is empty');
    if (!chats.includes(String(j.chat_id))) return fail(400, 'Bad Request: chat not found');
    if (typeof j.text !== 'string' || !j.text) return fail(400, 'Bad Request: message text is empty');
    let visible = j.text;
    if (j.parse_mode === 'MarkdownV2') {
      const parsed = parseMarkdownV2(j.text);
      if (parsed.error) return fail(400, `Bad Request: can't parse entities: ${parsed.error}`);
      visible = parsed.text;
    }
    if (Array.from(visible).length > 4096) return fail(400, 'Bad Request: message is too long');
    return { status: 200, body: { ok: true, result: { message_id: 42, chat: { id: j.chat_id }, date: 1700000000, text: visible } } };
  };
}

// MarkdownV2 as the Bot API reads it, enough to refuse what it refuses: an unescaped reserved character outside an
// entity is an error; entities (*bold*, [text](url)) are kept as their text.
export function parseMarkdownV2(s: string): { text: string; error?: string } {
  let out = '';
  let bold = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      out += s[++i] ?? '';
      continue;
    }
    if (c === '*') {
      bold = !bold;
      continue;
    }
    if (c === '[') {
      const close = s.indexOf('](', i);
      const end = close < 0 ? -1 : findClose(s, close + 2);
      if (close < 0 || end < 0) return { text: out, error: `Character '[' is reserved and must be escaped with the preceding '\\'` };
      out += parseMarkdownV2(s.slice(i + 1, close)).text;
      i = end;
      continue;
    }
    if ('_[]()~`>#+-=|{}.!'.includes(c)) return { text: out, error: `Character '${c}' is reserved and must be escaped with the preceding '\\'` };
    out += c;
  }
  return bold ? { text: out, error: "Can't find end of Bold entity" } : { text: out };
}

function findClose(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ')') return i;
  }
  return -1;
}
