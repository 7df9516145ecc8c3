import type { FakeHandler } from './fake-channel-server';
import { isJson } from './fake-channel-server';

// A Google Chat space webhook (channels.md §5): POST /v1/spaces/{space}/messages?key=…&token=…, JSON; 200 with the
// created Message; Google's {error: {code, message, status}} otherwise (a bad key 400 "API key not valid", a bad
// token 401 UNAUTHENTICATED, text over 4096 characters 400 INVALID_ARGUMENT).
export function googleChatFake(space: string, key: string, token: string): FakeHandler {
  const error = (code: number, status: string, message: string) => ({ status: code, body: { error: { code, message, status } } });
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== `/v1/spaces/${space}/messages`) return error(404, 'NOT_FOUND', 'Requested entity was not found.');
    if (r.url.searchParams.get('key') !== key) return error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.');
    if (r.url.searchParams.get('token') !== token) return error(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (!isJson(r) || !r.json) return error(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    if (typeof r.json.text !== 'string' || !r.json.text) return error(400, 'INVALID_ARGUMENT', 'Message cannot be empty.');
    if (r.json.text.length > 4096) return error(400, 'INVALID_ARGUMENT', 'Message text is too long.');
    return { status: 200, body: { name: `spaces/${space}/messages/abc.abc`, text: r.json.text, space: { name: `spaces/${space}` } } };
  };
}
