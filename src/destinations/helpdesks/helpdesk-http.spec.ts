import { judgeHelpdesk } from './helpdesk-http';

const res = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: '', durationMs: 1 });

describe('judgeHelpdesk', () => {
  it('reads a helpdesk answer as the pipeline needs it', () => {
    expect(judgeHelpdesk(res(201), '')).toEqual({ ok: true });
    expect(judgeHelpdesk(res(204), '')).toEqual({ ok: true });
    expect(judgeHelpdesk(res(401), "Couldn't authenticate you")).toEqual({ ok: false, kind: 'credentials', reason: "HTTP 401 Couldn't authenticate you" });
    expect(judgeHelpdesk(res(403), '')).toMatchObject({ kind: 'credentials' });
    // a wrong URL or a ticket deleted on the helpdesk: permanent, but nothing to disable the destination for
    expect(judgeHelpdesk(res(404), 'RecordNotFound')).toMatchObject({ kind: 'config' });
    expect(judgeHelpdesk(res(422), 'RecordInvalid')).toMatchObject({ kind: 'payload', reason: 'HTTP 422 RecordInvalid' });
    expect(judgeHelpdesk(res(400), '')).toMatchObject({ kind: 'payload', reason: 'HTTP 400' });
    expect(judgeHelpdesk(res(500), '')).toMatchObject({ kind: 'transient', retryAfterSeconds: null });
    expect(judgeHelpdesk(res(503, { 'retry-after': '30' }), '')).toMatchObject({ kind: 'transient', retryAfterSeconds: 30 });
    expect(judgeHelpdesk(res(408), '')).toMatchObject({ kind: 'transient' });
  });

  it("waits a 429 as told: Retry-After, or Help Scout's X-RateLimit-Retry-After", () => {
    expect(judgeHelpdesk(res(429, { 'retry-after': '17' }), '')).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 17 });
    expect(judgeHelpdesk(res(429, { 'x-ratelimit-retry-after': '42' }), '', 'x-ratelimit-retry-after')).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 42 });
    expect(judgeHelpdesk(res(429, { 'retry-after': '5' }), '', 'x-ratelimit-retry-after')).toMatchObject({ retryAfterSeconds: 5 });
    expect(judgeHelpdesk(res(429), '')).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: null });
  });
});
