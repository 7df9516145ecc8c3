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

  it.each(['1', '2026-02-30T00:00:00Z', 'Nov 23 2026 08:00', '2026-11-23T08:00:00'])('rejects occurredAt %j and says why', (occurredAt) => {
    expect(parsePushedEvent({ ...good, occurredAt }, now)).toMatchObject({ ok: false, field: 'occurredAt', reason: expect.stringContaining(JSON.stringify(occurredAt)) });
  });

  it('reads an offset as the instant it names', () => {
    const r = parsePushedEvent({ ...good, occurredAt: '2026-11-23T10:00:00+01:00' }, now);
    expect(r.ok && r.event.occurredAt.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('rejects an unknown field by name, with the likely intended one', () => {
    const { accountUser, ...rest } = good;
    const r = parsePushedEvent({ ...rest, acountUser: accountUser }, now);
    expect(r).toMatchObject({ ok: false, field: 'acountUser', reason: expect.stringMatching(/^unknown field "acountUser" \(did you mean "accountUser"\?\)/) });
    expect(parsePushedEvent({ ...good, colour: 'red' }, now)).toMatchObject({ ok: false, field: 'colour', reason: expect.not.stringContaining('did you mean') });
  });

  const textFields = ['externalId', 'classification', 'server', 'accountUser', 'domain', 'vendorSiteId', 'filePath', 'fileHash', 'process', 'threatName', 'vendorType'];
  it.each(textFields.flatMap((f) => [[f, 'a\u0000b', /NUL/], [f, 'a\ud800b', /surrogate/], [f, 'caf\ufffd', /UTF-8/]] as [string, string, RegExp][]))(
    'rejects %s holding %j',
    (field, value, why) => {
      const r = parsePushedEvent({ ...good, [field]: value }, now);
      expect(r).toMatchObject({ ok: false, field, reason: expect.stringMatching(why) });
    },
  );

  it('rejects a raw payload holding a NUL or an unpaired surrogate, naming the path, and keeps one holding U+FFFD', () => {
    expect(parsePushedEvent({ ...good, raw: { a: { note: 'a\u0000b' } } }, now)).toMatchObject({ ok: false, field: 'raw.a.note', reason: expect.stringMatching(/^raw\.a\.note contains a NUL/) });
    expect(parsePushedEvent({ ...good, raw: { list: ['x', '\udfff'] } }, now)).toMatchObject({ ok: false, field: 'raw.list[1]', reason: expect.stringMatching(/surrogate/) });
    expect(parsePushedEvent({ ...good, raw: { note: 'caf\ufffd' } }, now).ok).toBe(true);
  });

  it('rejects a non-object with a reason', () => {
    const r = parsePushedEvent('nope', now);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('object') });
  });
});
