import { DestinationThreads } from '../src/destinations/threads/destination-threads';
import { startTestApp, TestApp } from './support/test-app';

// The thread store on PostgreSQL, as adapters use it: a claim before a create is exclusive, a claim an earlier attempt
// left says so, and what is kept goes with its destination.
describe('destination threads', () => {
  let t: TestApp;
  let threads: DestinationThreads;
  let dest: string;
  const D1 = '00000000-0000-4000-8000-000000000001';
  const D2 = '00000000-0000-4000-8000-000000000002';

  beforeAll(async () => {
    t = await startTestApp();
    threads = t.app.get(DestinationThreads);
    const res = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'threads', config: { url: 'http://127.0.0.1:9/x' } } });
    dest = res.body.id;
  });
  afterAll(() => t.close());

  it('claims a key once: a second delivery is told it is being created, the same delivery\'s retry that its earlier attempt may have', async () => {
    expect(await threads.begin(dest, 'rule:r:a', D1)).toEqual({ claimed: true, interrupted: false });
    const other = await threads.begin(dest, 'rule:r:a', D2);
    expect(other).toMatchObject({ claimed: false, thread: { state: 'creating', deliveryId: D1, externalId: null } });
    expect(await threads.begin(dest, 'rule:r:a', D1)).toEqual({ claimed: true, interrupted: true });
    await threads.opened(dest, 'rule:r:a', '42', { tid: '516701' });
    expect(await threads.begin(dest, 'rule:r:a', D1)).toMatchObject({ claimed: false, thread: { state: 'open', externalId: '42', data: { tid: '516701' } } });
    await threads.closed(dest, 'rule:r:a', { closedBy: 'recovery' });
    expect(await threads.find(dest, 'rule:r:a')).toMatchObject({ state: 'closed', externalId: '42', data: { tid: '516701', closedBy: 'recovery' } });
  });

  it('lets another delivery take over a claim left longer than its lease, as interrupted', async () => {
    await threads.begin(dest, 'rule:r:b', D1);
    await t.db.dataSource.query(`UPDATE destination_threads SET updated_at = now() - interval '10 minutes' WHERE thread_key = 'rule:r:b'`);
    expect(await threads.begin(dest, 'rule:r:b', D2, 300)).toEqual({ claimed: true, interrupted: true });
    expect((await threads.find(dest, 'rule:r:b'))!.deliveryId).toBe(D2);
  });

  it('drops an abandoned claim (the target refused the create), so the next one is a fresh create; never an open thread', async () => {
    await threads.begin(dest, 'rule:r:c', D1);
    await threads.abandon(dest, 'rule:r:c');
    expect(await threads.begin(dest, 'rule:r:c', D2)).toEqual({ claimed: true, interrupted: false });
    await threads.opened(dest, 'rule:r:c', '7');
    await threads.abandon(dest, 'rule:r:c');
    expect((await threads.find(dest, 'rule:r:c'))!.externalId).toBe('7');
  });

  it('remembers a reference and forgets everything with its destination', async () => {
    await threads.remember(dest, 'client:c1', '5', { by: 'lookup' });
    await threads.remember(dest, 'client:c1', '6', { by: 'lookup' });
    expect(await threads.find(dest, 'client:c1')).toMatchObject({ state: 'open', externalId: '6' });
    expect(await threads.find(dest, 'client:none')).toBeNull();
    expect((await t.api('DELETE', `/v1/destinations/${dest}`)).status).toBeLessThan(300);
    expect(Number((await t.db.dataSource.query(`SELECT count(*) AS n FROM destination_threads WHERE destination_id = $1`, [dest]))[0].n)).toBe(0);
  });
});
