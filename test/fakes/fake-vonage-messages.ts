import type { FakeHandler, FakeReply } from './fake-channel-server';

// Vonage Messages API (channels.md §14b): POST /v1/messages, JSON, Authorization: Basic key:secret; 202
// {message_uuid}; errors RFC 7807 (application/problem+json {type, title, detail, instance}): 401 unauthorized,
// 422 invalid parameters (message_type, channel, to, from, text), 402 low balance on demand. The 1,600-character text
// limit is the fake's UNCONFIRMED assumption.
export function vonageMessagesFake(apiKey: string, apiSecret: string): FakeHandler {
  const problem = (status: number, type: string, title: string, detail: string): FakeReply => ({
    status, headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: `https://developer.vonage.com/api-errors${type}`, title, detail, instance: 'bf0ca0bf927b3b52e3cb03217e1a1ddf' }),
  });
  let n = 0;
  return (r) => {
    if (r.url.pathname !== '/v1/messages') return problem(404, '#not-found', 'Not Found', 'The requested resource does not exist');
    if (r.method !== 'POST') return problem(405, '#method-not-allowed', 'Method Not Allowed', 'Only POST is supported');
    const auth = String(r.headers.authorization ?? '');
    if (auth !== `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`) return problem(401, '#unauthorized', 'Unauthorized', 'You did not provide correct credentials.');
    const p = r.json;
    if (!p) return problem(415, '/messages#1020', 'Unsupported Media Type', 'The request body must be application/json');
    const invalid = (detail: string) => problem(422, '/messages#1150', 'Invalid params', detail);
    if (p.message_type !== 'text') return invalid('The value of `message_type` is not supported');
    if (!['sms', 'mms', 'rcs', 'whatsapp', 'messenger', 'viber_service'].includes(p.channel)) return invalid('The value of `channel` is not supported');
    if (typeof p.to !== 'string' || !/^[1-9]\d{6,14}$/.test(p.to)) return invalid('The value of `to` must be a number in E.164 format without a leading +');
    const from = typeof p.from === 'string' ? p.from : '';
    if (p.channel === 'whatsapp' ? !/^[1-9]\d{6,14}$/.test(from) : !/^(\d{7,15}|[A-Za-z0-9 ]{1,11})$/.test(from)) return invalid('The value of `from` is invalid');
    if (typeof p.text !== 'string' || !p.text) return invalid('`text` is required');
    if (p.text.length > 1600) return invalid('`text` must be at most 1600 characters');
    return { status: 202, body: { message_uuid: `aaaaaaaa-bbbb-4ccc-8ddd-${String(n++).padStart(12, '0')}` } };
  };
}
