import { FakeMonarxServer } from './fakes/fake-monarx-server';
import { AGENT } from './support/monarx-records';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait';

// The SSRF guard on the real service: without OUTBOUND_ALLOW_HOSTS, a vendor account on 127.0.0.1 is refused with
// a reason the operator can act on, and the vendor API is never called.
describe('outbound guard: a vendor account on a loopback address without OUTBOUND_ALLOW_HOSTS', () => {
  let t: TestApp;
  let fake: FakeMonarxServer;

  beforeAll(async () => {
    t = await startTestApp({ OUTBOUND_ALLOW_HOSTS: '' });
    fake = new FakeMonarxServer();
    fake.addAgents([AGENT]);
  });
  afterAll(async () => {
    await fake.stop();
    await t.close();
  });

  it('answers its test with blocked_destination, marks it failing with the same reason, and never calls the vendor', async () => {
    const baseUrl = await fake.start();
    const created = await t.api('POST', '/v1/vendor-accounts', {
      body: {
        vendor: 'monarx', name: 'Monarx on loopback', baseUrl,
        settings: { enterpriseId: fake.enterpriseId }, credentials: { apiId: fake.apiId, apiSecret: fake.apiKey },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const test = await t.api('POST', `/v1/vendor-accounts/${id}/test`);
    expect(test.status).toBe(200);
    expect(test.body).toEqual({
      ok: false,
      message: `Monarx request to ${baseUrl}/enterprise/${fake.enterpriseId}/agent cannot be sent: blocked_destination: resolves to 127.0.0.1 (loopback); check the base URL`,
    });

    const failing = await waitFor(() => t.api('GET', `/v1/vendor-accounts/${id}`), (r) => r.body.status === 'failing', 'the first poll to fail');
    expect(failing.body.lastError).toContain('blocked_destination: resolves to 127.0.0.1 (loopback)');
    expect(fake.requests).toEqual([]);
  });
});
