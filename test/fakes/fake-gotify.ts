import type { FakeHandler } from './fake-channel-server';

// A Gotify server (channels.md §12, gotify/server): POST /message with an application token (X-Gotify-Key, ?token=
// or Bearer); 200 with the message; {error, errorCode, errorDescription} errors: 401 without a valid token, 400 when
// message is missing.
export function gotifyFake(appToken: string): FakeHandler {
  const err = (code: number, error: string, errorDescription: string) => ({ status: code, body: { error, errorCode: code, errorDescription } });
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/message') return err(404, 'Not Found', 'page not found');
    const token = r.headers['x-gotify-key'] ?? r.url.searchParams.get('token') ?? String(r.headers.authorization ?? '').replace(/^Bearer /, '');
    if (token !== appToken) return err(401, 'Unauthorized', 'you need to provide a valid access token or user credentials to access this api');
    if (!r.json || typeof r.json.message !== 'string' || !r.json.message) return err(400, 'Bad Request', "Field 'message' is required");
    if (r.json.priority !== undefined && !Number.isInteger(r.json.priority)) return err(400, 'Bad Request', "Field 'priority' must be a number");
    return { status: 200, body: { id: 7, appid: 1, message: r.json.message, title: r.json.title ?? 'hostdigest', priority: r.json.priority ?? 0, extras: r.json.extras, date: '2026-12-03T08:00:00Z' } };
  };
}
