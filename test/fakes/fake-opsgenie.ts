import type { FakeHandler } from './fake-channel-server';

// The Opsgenie Alert API v2 (channels.md §16): Authorization: GenieKey <key>; POST /v2/alerts (message ≤ 130,
// alias ≤ 512, description ≤ 15000, priority P1..P5, ≤ 20 tags) and POST /v2/alerts/{id}/close?identifierType=alias;
// 202 {result, took, requestId}; {message, took, requestId} errors: 401 a bad key, 422 an invalid field. Keeps the
// open alerts by alias (one open alert per alias: a repeat raises its count).
export function opsgenieFake(apiKey: string): FakeHandler & { open: Map<string, number> } {
  const open = new Map<string, number>();
  let n = 0;
  const answer = (status: number, message: string, extra: object = {}) => ({ status, body: { message, took: 0.01, requestId: `req-${++n}`, ...extra } });
  const handler = ((r) => {
    if (r.method !== 'POST') return answer(405, 'Method not allowed');
    if (r.headers.authorization !== `GenieKey ${apiKey}`) return answer(401, 'Could not authenticate');
    if (!String(r.headers['content-type'] ?? '').startsWith('application/json')) return answer(415, 'Unsupported media type');
    const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(r.url.pathname);
    if (close) {
      if (r.url.searchParams.get('identifierType') !== 'alias') return answer(422, 'identifierType must be alias here');
      open.delete(decodeURIComponent(close[1]));
      return { status: 202, body: { result: 'Request will be processed', took: 0.01, requestId: `req-${++n}` } };
    }
    if (r.url.pathname !== '/v2/alerts') return answer(404, 'Not found');
    const j = r.json ?? {};
    if (typeof j.message !== 'string' || !j.message) return answer(422, 'Request body is not processable. Please check the errors.', { errors: { message: 'Message can not be empty.' } });
    if (j.message.length > 130) return answer(422, 'Request body is not processable.', { errors: { message: 'Message can not be longer than 130 characters.' } });
    if (j.alias !== undefined && String(j.alias).length > 512) return answer(422, 'Request body is not processable.', { errors: { alias: 'Alias can not be longer than 512 characters.' } });
    if (j.description !== undefined && String(j.description).length > 15000) return answer(422, 'Request body is not processable.', { errors: { description: 'too long' } });
    if (j.priority !== undefined && !/^P[1-5]$/.test(j.priority)) return answer(422, 'Request body is not processable.', { errors: { priority: 'Priority should be one of P1..P5' } });
    if (Array.isArray(j.tags) && j.tags.length > 20) return answer(422, 'Request body is not processable.', { errors: { tags: 'at most 20' } });
    if (j.alias) open.set(j.alias, (open.get(j.alias) ?? 0) + 1);
    return { status: 202, body: { result: 'Request will be processed', took: 0.302, requestId: `req-${++n}` } };
  }) as FakeHandler & { open: Map<string, number> };
  handler.open = open;
  return handler;
}
