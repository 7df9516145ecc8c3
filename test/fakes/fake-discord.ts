import type { FakeHandler } from './fake-channel-server';
import { isJson } from './fake-channel-server';

// Discord webhooks, as channels.md §3 documents them: POST /api/webhooks/{id}/{token}[?wait=true]; 204, or 200 with
// the message when wait=true; {message, code} errors: 10015 unknown webhook (404), 50027 invalid token (401),
// 50006 empty message, 50035 invalid form body (content over 2000 characters), 50109 invalid JSON.
export function discordFake(id: string, token: string): FakeHandler {
  return (r) => {
    const m = /^\/api\/webhooks\/(\d+)\/([\w-]+)$/.exec(r.url.pathname);
    if (r.method !== 'POST') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
    if (!m || m[1] !== id) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (m[2] !== token) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
    if (!isJson(r) || !r.json) return { status: 400, body: { message: 'The request body contains invalid JSON.', code: 50109 } };
    const content = r.json.content;
    if (!content && !r.json.embeds) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
    if (typeof content === 'string' && content.length > 2000) {
      return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] } } } };
    }
    if (r.url.searchParams.get('wait') !== 'true') return { status: 204 };
    return { status: 200, body: { id: '1100000000000000001', type: 0, content, channel_id: '99', webhook_id: id } };
  };
}

export const discordRateLimit = (retryAfter: number) => ({
  status: 429,
  headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-reset-after': String(retryAfter), 'x-ratelimit-scope': 'user', 'x-ratelimit-global': 'false' },
  body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
});
