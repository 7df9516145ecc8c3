import type { FakeHandler } from './fake-channel-server';

// Pushover (channels.md §7): POST /1/messages.json, form-encoded; 200 {status:1, request[, receipt]}; 4xx
// {status:0, errors:[…], request}: an invalid token or user key, a message over 1024 characters, an emergency
// priority without retry ≥ 30 and expire ≤ 10800. Rate headers X-Limit-App-* on every answer.
export function pushoverFake(appToken: string, userKey: string): FakeHandler {
  const limits = { 'x-limit-app-limit': '10000', 'x-limit-app-remaining': '9999', 'x-limit-app-reset': '1893456000' };
  const fail = (status: number, errors: string[], extra: object = {}) => ({ status, headers: limits, body: { status: 0, errors, request: 'r-fail', ...extra } });
  return (r) => {
    if (r.method !== 'POST' || r.url.pathname !== '/1/messages.json') return fail(404, ['not found']);
    const f = r.form;
    if (!f) return fail(400, ['message cannot be blank']);
    if (f.get('token') !== appToken) return fail(400, ['application token is invalid'], { token: 'invalid' });
    if (f.get('user') !== userKey) return fail(400, ['user identifier is not a valid user, group, or subscribed user key'], { user: 'invalid' });
    const message = f.get('message') ?? '';
    if (!message) return fail(400, ['message cannot be blank']);
    if (Array.from(message).length > 1024) return fail(400, ['message is too long'], { message: 'invalid' });
    if ((f.get('title') ?? '').length > 250) return fail(400, ['title is too long']);
    const priority = Number(f.get('priority') ?? 0);
    if (![-2, -1, 0, 1, 2].includes(priority)) return fail(400, ['priority is invalid']);
    if (priority === 2) {
      const retry = Number(f.get('retry'));
      const expire = Number(f.get('expire'));
      if (!(retry >= 30)) return fail(400, ['retry must be at least 30 seconds']);
      if (!(expire > 0 && expire <= 10800)) return fail(400, ['expire must be at most 10800 seconds']);
      return { status: 200, headers: limits, body: { status: 1, request: 'r-ok', receipt: 'rcpt1234567890abcdefghijklmnopq' } };
    }
    return { status: 200, headers: limits, body: { status: 1, request: 'r-ok' } };
  };
}
