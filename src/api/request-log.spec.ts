import { loggedUrl } from './request-log';

describe('request log', () => {
  it('leaves link tokens out of logged URLs', () => {
    expect(loggedUrl(`/p/${'A'.repeat(64)}`)).toBe('/p/[redacted]');
    expect(loggedUrl('/u/abc.def?unsubscribe=1')).toBe('/u/[redacted]?unsubscribe=1');
    expect(loggedUrl('/v1/customers/1/page-links/revoke')).toBe('/v1/customers/1/page-links/revoke');
    expect(loggedUrl('/photos/p/x')).toBe('/photos/p/x');
  });
});
