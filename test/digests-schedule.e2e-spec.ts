import { customerWithSites, fixClock, insertEvents, ledger, orgId, subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// The scheduler in customers' local time: UTC+13, the DST change, a week crossing a month, catch-up after downtime.
describe('digests: the scheduler in local time', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let org: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_PER_MINUTE: '10000' });
    org = await orgId(t);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const run = async (at: string) => {
    fixClock(t, at);
    const res = await t.api('POST', '/v1/digests/run', { body: {} });
    expect(res.status).toBe(202);
    return res.body;
  };
  const settle = (customerId: string, n: number) =>
    waitFor(() => ledger(t, customerId), (r) => r.length === n && r.every((d) => ['sent', 'skipped', 'failed'].includes(d.status)), `${n} settled digests`);

  it('a customer at UTC+13 gets its local day at 07:00 local, the evening before in UTC', async () => {
    fixClock(t, '2026-06-14T12:00:00Z');
    const f = await customerWithSites(t, 'tonga', { timeZone: 'Pacific/Tongatapu' });
    const s = await subscribe(t, f.customerId, { cadence: 'daily', sendTime: '07:00', skipWhenEmpty: false });
    expect(s.nextDueAt).toBe('2026-06-14T18:00:00.000Z'); // 07:00 on 15 June at UTC+13
    expect((await run('2026-06-14T17:59:00Z')).queued).toBe(0);
    expect((await run('2026-06-14T18:00:30Z')).queued).toBe(1);
    const [d] = await settle(f.customerId, 1);
    expect(d).toMatchObject({ periodStart: '2026-06-13T11:00:00.000Z', periodEnd: '2026-06-14T11:00:00.000Z', scheduledAt: '2026-06-14T18:00:00.000Z', late: false, status: 'sent' });
    expect((await run('2026-06-14T18:05:00Z')).queued).toBe(0);
    expect((await t.api('GET', `/v1/customers/${f.customerId}/digest-settings`)).body.nextDueAt).toBe('2026-06-15T18:00:00.000Z');
    await subscribe(t, f.customerId, { cadence: 'off' });
  });

  it('a customer that moves to another time zone gets its next digest at the new zone\'s local time, once', async () => {
    fixClock(t, '2026-07-01T10:00:00Z');
    const f = await customerWithSites(t, 'mover', { timeZone: 'Europe/Berlin' });
    const s = await subscribe(t, f.customerId, { cadence: 'daily', sendTime: '08:00', skipWhenEmpty: false });
    expect(s.nextDueAt).toBe('2026-07-02T06:00:00.000Z'); // 08:00 CEST
    // The customer moves to Tokyo (the subscription follows the customer's zone): 08:00 JST on 2 July is 23:00 UTC on 1 July.
    expect((await t.api('PATCH', `/v1/customers/${f.customerId}`, { body: { timeZone: 'Asia/Tokyo' } })).status).toBe(200);
    const tick = await run('2026-07-01T10:01:00Z');
    expect(tick).toMatchObject({ queued: 0, rescheduled: 1 });
    expect((await t.api('GET', `/v1/customers/${f.customerId}/digest-settings`)).body.nextDueAt).toBe('2026-07-01T23:00:00.000Z');
    expect((await run('2026-07-01T22:59:00Z')).queued).toBe(0);
    expect((await run('2026-07-01T23:00:30Z')).queued).toBe(1);
    const [d] = await settle(f.customerId, 1);
    expect(d).toMatchObject({ periodStart: '2026-06-30T15:00:00.000Z', periodEnd: '2026-07-01T15:00:00.000Z', late: false, status: 'sent' });
    // The old zone's 08:00 is not a second send.
    expect((await run('2026-07-02T06:00:30Z')).queued).toBe(0);
    await subscribe(t, f.customerId, { cadence: 'off' });
  });

  it('08:00 Berlin stays 08:00 local over the spring DST change; the short day is one period', async () => {
    fixClock(t, '2026-03-20T12:00:00Z');
    const f = await customerWithSites(t, 'dst');
    await subscribe(t, f.customerId, { cadence: 'daily', sendTime: '08:00', skipWhenEmpty: false });
    expect((await run('2026-03-28T07:00:30Z')).queued).toBe(1); // Saturday, CET: 08:00 = 07:00 UTC
    expect((await run('2026-03-29T06:00:30Z')).queued).toBe(1); // Sunday, CEST: 08:00 = 06:00 UTC
    expect((await run('2026-03-29T07:00:30Z')).queued).toBe(0); // the winter 08:00 is not a second send
    expect((await run('2026-03-30T06:00:30Z')).queued).toBe(1);
    const rows = (await settle(f.customerId, 3)).sort((a, b) => a.periodStart.localeCompare(b.periodStart));
    expect(rows.map((r) => [r.periodStart, r.periodEnd])).toEqual([
      ['2026-03-26T23:00:00.000Z', '2026-03-27T23:00:00.000Z'],
      ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z'],
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // 29 March has 23 hours
    ]);
    await subscribe(t, f.customerId, { cadence: 'off' });
  });

  it('after downtime the missed send goes out once, marked late, and older periods are not flooded out', async () => {
    fixClock(t, '2026-05-01T12:00:00Z');
    const f = await customerWithSites(t, 'downtime');
    await subscribe(t, f.customerId, { cadence: 'daily', sendTime: '08:00', skipWhenEmpty: false });
    // Down from 1 May 12:00 until 5 May 12:00 (UTC): the sends of 2, 3, 4 and 5 May at 08:00 were missed.
    expect((await run('2026-05-05T12:00:00Z')).queued).toBe(1);
    const [d] = await settle(f.customerId, 1);
    expect(d).toMatchObject({ periodStart: '2026-05-03T22:00:00.000Z', periodEnd: '2026-05-04T22:00:00.000Z', late: true, status: 'sent' });
    const mail = await sink.to('it@downtime.example')[0].parse();
    expect(mail.text).toContain('This summary is arriving later than scheduled.');
    expect((await run('2026-05-05T12:01:00Z')).queued).toBe(0);
    await subscribe(t, f.customerId, { cadence: 'off' });
  });

  it('a week crossing a month is counted whole; "sites cleaned this month" counts the local month only', async () => {
    fixClock(t, '2026-11-25T12:00:00Z');
    const f = await customerWithSites(t, 'crossing', { sites: 3 });
    await subscribe(t, f.customerId, { cadence: 'weekly', dayOfWeek: 1, sendTime: '08:00' });
    await insertEvents(t, org, f, [
      { kind: 'detection', severity: 'high', site: 0, at: '2026-11-30T10:00:00Z', path: '/a.php', threat: 'A' },
      { kind: 'cleanup', site: 0, at: '2026-11-30T11:00:00Z', path: '/a.php' }, // November
      { kind: 'detection', severity: 'medium', site: 1, at: '2026-12-03T10:00:00Z', path: '/b.php', threat: 'B' },
      { kind: 'cleanup', site: 1, at: '2026-12-03T11:00:00Z', path: '/b.php' }, // December
      { kind: 'cleanup', site: 2, at: '2026-11-30T23:30:00Z', path: '/c.php' }, // 1 December 00:30 in Berlin
    ]);
    expect((await run('2026-12-07T07:00:30Z')).queued).toBe(1);
    const [d] = await settle(f.customerId, 1);
    expect(d).toMatchObject({ periodStart: '2026-11-29T23:00:00.000Z', periodEnd: '2026-12-06T23:00:00.000Z', counts: { detections: 2, cleaned: 3, outstanding: 0 } });
    const mail = await sink.to('it@crossing.example')[0].parse();
    expect(mail.text).toMatch(/Sites cleaned this month: 2 \(of 3 sites\)/);
  });
});
