import { parsePushedEvent } from './pushed-event';

const now = new Date('2026-11-23T10:00:00Z');
const good = { source: 'imunify360', externalId: 'scan-9:/home/bob/x.php', kind: 'detection', severity: 'high', occurredAt: '2026-11-23T09:00:00Z', accountUser: 'bob', server: 'Web01' };

describe('parsePushedEvent', () => {
  it('normalizes a valid item and keeps the item as raw payload', () => {
    const r = parsePushedEvent(good, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.source).toBe('imunify360');
    expect(r.event).toMatchObject({ kind: 'detection', severity: 'high', server: 'web01', accountUser: 'bob', vendorType: 'detection' });
    expect(r.event.raw).toEqual(good);
  });

  it.each([
    [{ ...good, source: 'Has Spaces' }, 'source'],
    [{ ...good, externalId: '' }, 'externalId'],
    [{ ...good, kind: 'explosion' }, 'kind'],
    [{ ...good, severity: 'urgent' }, 'severity'],
    [{ ...good, occurredAt: 'yesterday' }, 'occurredAt'],
    [{ ...good, occurredAt: '2027-01-01T00:00:00Z' }, 'occurredAt'],
    [{ ...good, domain: 42 }, 'domain'],
    [{ ...good, raw: 'text' }, 'raw'],
  ])('rejects %j at field %s', (item, field) => {
    const r = parsePushedEvent(item, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.field).toBe(field);
  });

  it('rejects a non-object with a reason', () => {
    const r = parsePushedEvent('nope', now);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('object') });
  });
});
