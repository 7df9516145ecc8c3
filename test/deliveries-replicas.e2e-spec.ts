import { DeliverySender } from '../src/deliveries/delivery-sender';
import { subscribe } from './support/digest-fixtures';
import { SmtpSink } from './support/smtp-sink';
import { startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { sleep, waitFor } from './support/wait';

const ENV = { DELIVERY_RETRY_SCHEDULE: '1,1,1', RATE_LIMIT_PER_MINUTE: '10000' };

describe('deliveries: two replicas on one database', () => {
  let sink: SmtpSink;
  let a: TestApp;
  let b: TestApp;
  let databaseUrl: string;
  let seq = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    databaseUrl = await createTestDatabase();
    a = await startTestApp({ SMTP_URL: sink.url, ...ENV }, { databaseUrl });
    b = await startTestApp({ SMTP_URL: sink.url, ...ENV }, { databaseUrl });
  });
  afterAll(async () => {
    await Promise.all([b.close(), a.close()]);
    await sink.stop();
    await dropTestDatabase(databaseUrl);
  });

  const customer = async (ref: string) => {
    const c = await a.api('POST', '/v1/customers', { body: { externalRef: ref, name: `Customer ${ref}`, emails: [`it@${ref}.example`], timeZone: 'UTC', locale: 'en' } });
    await a.api('POST', `/v1/customers/${c.body.id}/sites`, { body: { domains: [`${ref}.example`] } });
    await subscribe(a, c.body.id, { cadence: 'daily', urgentKinds: ['detection'] });
    return c.body.id as string;
  };
  const batch = (ref: string, n: number) => Array.from({ length: n }, () => ({
    source: 'scanner', externalId: `r-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T10:00:00Z', domain: `${ref}.example`,
  }));
  const rows = (customerId: string): Promise<{ id: string; status: string; attempts: number }[]> =>
    a.db.dataSource.query(`SELECT id, status, attempts FROM deliveries WHERE customer_id = $1`, [customerId]);
  const messageIds = (address: string) => Promise.all(sink.to(address).map(async (m) => (await m.parse()).messageId));

  it('workers of both replicas racing on the same deliveries send each one once', async () => {
    const id = await customer('race');
    await a.api('POST', '/v1/events', { body: { events: batch('race', 10) } });
    const ids = (await rows(id)).map((r) => r.id);
    expect(ids).toHaveLength(10);
    // Their queued jobs run on either replica meanwhile: four more senders per row race with them.
    const senders = [a.app.get(DeliverySender), b.app.get(DeliverySender)];
    const results = await Promise.all(ids.flatMap((d) => [0, 1, 0, 1].map((i) => senders[i].send(d))));
    expect(results.filter((r) => r.status === 'delivered').length).toBeLessThanOrEqual(10);
    await waitFor(() => rows(id), (r) => r.every((x) => x.status === 'delivered'), 'every delivery delivered');
    await sleep(1500);
    const sent = await messageIds('it@race.example');
    expect([sent.length, new Set(sent).size]).toEqual([10, 10]);
    expect((await rows(id)).map((r) => r.attempts)).toEqual(ids.map(() => 1));
  });

  it('the same batch pushed to both replicas at once: one delivery and one e-mail per event', async () => {
    const id = await customer('twice');
    const events = batch('twice', 5);
    const [ra, rb] = await Promise.all([a.api('POST', '/v1/events', { body: { events } }), b.api('POST', '/v1/events', { body: { events } })]);
    expect(ra.body.created + rb.body.created).toBe(5);
    await waitFor(() => rows(id), (r) => r.length === 5 && r.every((x) => x.status === 'delivered'), 'five delivered');
    await sleep(1500);
    const sent = await messageIds('it@twice.example');
    expect([sent.length, new Set(sent).size]).toEqual([5, 5]);
  });
});
