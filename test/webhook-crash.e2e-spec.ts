import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SweepDeliveriesJob } from '../src/deliveries/delivery-job-handlers';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';
import { createTestDatabase, dropTestDatabase } from './support/test-database';
import { sleep, waitFor } from './support/wait';
import { WebhookReceiver } from './support/webhook-receiver';

const HEADER_SECRET = 'hdr-secret-123-xyz';
const ENV_SECRET = 'env-token-value-456-xyz';

// The service as its own process, so that the test can read every line it logs (at debug, as JSON) and kill it with
// SIGKILL in the middle of a webhook send.
describe('webhooks: a send cut off by kill -9 is marked interrupted and never resent on its own; no secret in any log line', () => {
  let databaseUrl: string;
  let receiver: WebhookReceiver;
  let child: ChildProcess;
  let output = '';
  let base = '';
  let t: TestApp | null = null;
  const secrets: string[] = [HEADER_SECRET, ENV_SECRET];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    databaseUrl = await createTestDatabase();
    child = spawn(process.execPath, ['-r', join(__dirname, 'support/swc-register.js'), join(__dirname, 'support/service-process.ts')], {
      env: {
        ...process.env, DATABASE_URL: databaseUrl, HOSTDIGEST_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'debug', LOG_FORMAT: 'json',
        OUTBOUND_ALLOW_HOSTS: '127.0.0.1', DELIVERY_LEASE_SECONDS: '5', DELIVERY_RETRY_SCHEDULE: '1', DELIVERY_INTERRUPTED_POLICY: 'resend',
        RATE_LIMIT_PER_MINUTE: '10000', ENV_REFERENCE_GRANTS: '*:PORTAL_TOKEN', PORTAL_TOKEN: ENV_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const port = await waitFor(async () => /listening (\d+)/.exec(output)?.[1], (p) => !!p, 'the service process to listen', 60_000).catch((err) => {
      throw new Error(`${err.message}\n${output.slice(-3000)}`);
    });
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await t?.close();
    await receiver.stop();
    await dropTestDatabase(databaseUrl);
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  };
  // A secret appears neither whole nor as its key material (the base64 after whsec_).
  const leaks = (text: string) => secrets.filter((s) => text.includes(s) || (s.startsWith('whsec_') && text.includes(s.slice(6))));

  it('keeps every secret out of the logs, API answers after creation and attempt records, through tests, failures, rotation and a crash', async () => {
    const supplied = `whsec_${randomBytes(32).toString('base64')}`;
    secrets.push(supplied);
    const ok = await api('POST', '/v1/destinations', {
      kind: 'webhook', name: 'portal', eventTypes: ['security_event.created'],
      config: { url: receiver.url('/portal'), headers: { 'X-Token': HEADER_SECRET, 'X-Env': 'env:PORTAL_TOKEN' } },
    });
    expect(ok.status).toBe(201);
    secrets.push(ok.body.signingSecret);
    const failing = await api('POST', '/v1/destinations', { kind: 'webhook', name: 'refuses', config: { url: receiver.url('/refuses') }, signingSecret: supplied, eventTypes: [] });
    expect(failing.status).toBe(201);
    receiver.answer('/refuses', 401, 'no such token');

    expect((await api('POST', `/v1/destinations/${ok.body.id}/test`)).body).toMatchObject({ outcome: 'delivered' });
    expect((await api('POST', `/v1/destinations/${failing.body.id}/test`)).body).toMatchObject({ outcome: 'permanent_error' });
    const rotated = await api('POST', `/v1/destinations/${ok.body.id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    secrets.push(rotated.body.signingSecret);
    expect((await api('POST', `/v1/destinations/${ok.body.id}/test`)).body).toMatchObject({ outcome: 'delivered' });
    // a refused update names the field, never the values it was given
    const bad = await api('PATCH', `/v1/destinations/${ok.body.id}`, { config: { url: 'ftp://portal.example', headers: { 'X-Token': HEADER_SECRET } } });
    expect(bad.status).toBe(400);
    expect(leaks(bad.text)).toEqual([]);

    // kill -9 while the portal holds the request: the target may or may not have acted on it
    receiver.stall('/portal');
    const pushed = await api('POST', '/v1/events', {
      events: [{ source: 'scanner', externalId: 'crash-1', kind: 'detection', occurredAt: new Date().toISOString(), domain: 'crash.example', filePath: '/x.php', threatName: 'T', severity: 'high' }],
    });
    expect(pushed.status).toBe(200);
    const sent = await waitFor(async () => receiver.at('/portal').filter((r) => JSON.parse(r.body).type === 'security_event.created'), (r) => r.length === 1, 'the send to reach the portal');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // another replica, DELIVERY_INTERRUPTED_POLICY=resend: still, a webhook cut off mid-send is not sent again
    t = await startTestApp({ DELIVERY_LEASE_SECONDS: '5', DELIVERY_RETRY_SCHEDULE: '1', DELIVERY_INTERRUPTED_POLICY: 'resend', RATE_LIMIT_PER_MINUTE: '10000', ENV_REFERENCE_GRANTS: '*:PORTAL_TOKEN' }, { databaseUrl });
    const id = sent[0].headers['webhook-id']!.toString().replace(/^msg_/, '');
    const sweep = t.app.get(SweepDeliveriesJob);
    const settled = await waitFor(async () => {
      await sweep.handle();
      return (await t!.api('GET', `/v1/deliveries/${id}`)).body;
    }, (d) => d.status !== 'sending', 'the sweep to take the cut-off send', 30_000);
    expect(settled).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/cut off.*may or may not have taken it/) });
    expect(settled.attemptLog.at(-1)).toMatchObject({ outcome: 'interrupted' });
    await sleep(2500); // a retry schedule of 1 s: anything resent would have arrived
    await sweep.handle();
    expect(receiver.at('/portal').filter((r) => r.headers['webhook-id'] === `msg_${id}`)).toHaveLength(1);
    expect((await t.api('GET', `/v1/deliveries/${id}`)).body.status).toBe('dead');

    // what the API and the attempt log show afterwards
    const answers = [
      await t.api('GET', '/v1/destinations'), await t.api('GET', `/v1/destinations/${ok.body.id}`), await t.api('GET', `/v1/destinations/${failing.body.id}`),
      await t.api('GET', `/v1/deliveries?destinationId=${ok.body.id}`), await t.api('GET', `/v1/deliveries?destinationId=${failing.body.id}`),
    ];
    for (const d of [...answers[3].body.data, ...answers[4].body.data]) answers.push(await t.api('GET', `/v1/deliveries/${d.id}`));
    expect(answers.length).toBeGreaterThan(7);
    for (const a of answers) expect(leaks(JSON.stringify(a.body))).toEqual([]);

    // everything the service logged, at debug: the failures are there, the secrets are not
    expect(output).toMatch(/HTTP 401: no such token/);
    expect(output.split('\n').filter(Boolean).length).toBeGreaterThan(20);
    expect(leaks(output)).toEqual([]);
  }, 120_000);
});
