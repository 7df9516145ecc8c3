import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';
import { sleep, waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

describe('destinations: replay of a time range (re-enable and catch up)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let keyB: string;
  let seq = 0;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    // One retry a minute later: a 5xx leaves the delivery `failed` for the length of this test.
    t = await startTestApp({ DELIVERY_RETRY_SCHEDULE: '60', RATE_LIMIT_PER_MINUTE: '10000' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    const c = await t.api('POST', '/v1/customers', { body: { externalRef: 'rp', name: 'Customer rp', emails: ['it@rp.example'] } });
    await t.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: ['rp.example'] } });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const webhook = async (path: string) => {
    const res = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: `hook ${path}`, config: { url: receiver.url(path), retrySchedule: [60] }, eventTypes: ['security_event.created'] } });
    expect(res.status).toBe(201);
    return res.body as { id: string; signingSecret: string };
  };
  const rows = (destinationId: string): Promise<{ id: string; status: string }[]> =>
    t.db.dataSource.query(`SELECT id, status FROM deliveries WHERE destination_id = $1 ORDER BY created_at, id`, [destinationId]);
  // One event while the receiver answers `status`; back once its delivery has settled (delivered, failed or dead).
  const eventAnswered = async (path: string, destinationId: string, status: number) => {
    receiver.answer(path, status, status === 200 ? '{"ok":true}' : 'nope');
    const before = (await rows(destinationId)).length;
    const res = await t.api('POST', '/v1/events', {
      body: { events: [{ source: 'scanner', externalId: `rp-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T16:05:00Z', domain: 'rp.example' }] },
    });
    expect(res.body.created).toBe(1);
    const all = await waitFor(() => rows(destinationId), (r) => r.length === before + 1 && ['delivered', 'failed', 'dead'].includes(r[before].status), `delivery answered ${status}`);
    return all[before];
  };
  const dbNow = async () => ((await t.db.dataSource.query(`SELECT now() AS now`))[0].now as Date).toISOString();
  const ids = (got: { headers: Record<string, unknown> }[]) => got.map((r) => r.headers['webhook-id']);

  it('sends every failed and dead delivery of the range once more, oldest first, same webhook-id; delivered ones and the rest stay', async () => {
    const path = '/catchup';
    const d = await webhook(path);
    const earlier = await eventAnswered(path, d.id, 500);
    await sleep(20);
    const from = await dbNow();
    const inRange = [];
    for (const status of [400, 500, 200, 503, 400, 500]) inRange.push(await eventAnswered(path, d.id, status));
    const to = await dbNow();
    await sleep(20);
    const later = await eventAnswered(path, d.id, 500);
    expect([earlier, ...inRange, later].map((r) => r.status)).toEqual(['failed', 'dead', 'failed', 'delivered', 'failed', 'dead', 'failed', 'failed']);
    const firstSent = receiver.at(path).map((r) => r.headers['webhook-id']);
    expect(firstSent).toHaveLength(8);

    // The receiver is fixed. Dead ones first (status filter), then the failed ones.
    receiver.answer(path, 200, '{"ok":true}');
    const dead = await t.api('POST', `/v1/destinations/${d.id}/replay`, { body: { from, to, status: 'dead' } });
    expect(dead.status).toBe(202);
    expect(dead.body).toEqual({ requeued: 2 });
    const deadIds = [inRange[0], inRange[4]].map((r) => `msg_${r.id}`);
    await waitFor(async () => receiver.at(path).length, (n) => n >= 10, 'the dead ones sent again');
    const failed = await t.api('POST', `/v1/destinations/${d.id}/replay`, { body: { from, to } });
    expect(failed.body).toEqual({ requeued: 3 });
    await waitFor(async () => receiver.at(path).length, (n) => n >= 13, 'the failed ones sent again');
    await sleep(1000); // nothing else comes
    const got = receiver.at(path).slice(8);
    expect(ids(got)).toEqual([...deadIds, `msg_${inRange[1].id}`, `msg_${inRange[3].id}`, `msg_${inRange[5].id}`]);
    for (const r of got) expect(WebhookReceiver.verify(r, d.signingSecret)).toMatchObject({ type: 'security_event.created' });
    // the same message as the first time: same id, same payload
    const firstOf = (id: unknown) => receiver.at(path).find((r) => r.headers['webhook-id'] === id)!;
    expect(WebhookReceiver.verify(got[0], d.signingSecret)).toEqual(WebhookReceiver.verify(firstOf(got[0].headers['webhook-id']), d.signingSecret));

    const after = await rows(d.id);
    expect(after.map((r) => r.status)).toEqual(['failed', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'failed']);
    const detail = await t.api('GET', `/v1/deliveries/${inRange[0].id}`);
    expect(detail.body.attemptLog.map((a: any) => [a.trigger, a.outcome])).toEqual([['initial', 'permanent_error'], ['replay', 'delivered']]);
    const untouched = await t.api('GET', `/v1/deliveries/${inRange[2].id}`);
    expect(untouched.body.attemptLog).toHaveLength(1);

    // Replayed again: nothing failed or dead is left in the range.
    expect((await t.api('POST', `/v1/destinations/${d.id}/replay`, { body: { from, to } })).body).toEqual({ requeued: 0 });
  });

  it.each([
    [{ to: '2026-12-02T00:00:00Z' }, 'from'],
    [{ from: '2026-12-01', to: '2026-12-02T00:00:00Z' }, 'from'],
    [{ from: '2026-12-01T00:00:00Z' }, 'to'],
    [{ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'to'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: 'delivered' }, 'status'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: ['dead', 'sending'] }, 'status'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', everything: true }, 'everything'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const d = await webhook('/validation');
    const res = await t.api('POST', `/v1/destinations/${d.id}/replay`, { body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(typeof res.body.message).toBe('string');
  });

  it("answers 404 for another organization's destination and requeues nothing of it", async () => {
    const path = '/isolated';
    const d = await webhook(path);
    const from = await dbNow();
    const failed = await eventAnswered(path, d.id, 500);
    const to = new Date(Date.now() + 60_000).toISOString();
    receiver.answer(path, 200);
    const res = await t.api('POST', `/v1/destinations/${d.id}/replay`, { body: { from, to }, key: keyB });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('not_found');
    expect((await t.api('POST', `/v1/destinations/00000000-0000-4000-8000-000000000000/replay`, { body: { from, to } })).status).toBe(404);
    await sleep(1000);
    expect(receiver.at(path)).toHaveLength(1);
    expect((await rows(d.id))[0]).toEqual({ id: failed.id, status: 'failed' });
  });
});
