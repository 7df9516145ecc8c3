import type { TestApp } from './test-app';

// Channel destinations through the API, as an operator uses them: create, test, subscribe, read the log.
export async function createChannel(t: TestApp, kind: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await t.api('POST', '/v1/destinations', { body: { kind, name: `${kind} ${Math.random().toString(36).slice(2, 8)}`, config, ...extra } });
  if (res.status !== 201) throw new Error(`create ${kind}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function testChannel(t: TestApp, id: string): Promise<any> {
  const res = await t.api('POST', `/v1/destinations/${id}/test`);
  if (res.status !== 200 && res.status !== 201) throw new Error(`test: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function lastAttempt(t: TestApp, deliveryId: string): Promise<any> {
  const res = await t.api('GET', `/v1/deliveries/${deliveryId}`);
  const log = res.body.attemptLog as any[];
  return { delivery: res.body, attempt: log[log.length - 1] };
}

let seq = 0;
// One security event pushed through /v1/events, with hostile fields if given.
export async function pushEvent(t: TestApp, fields: Record<string, unknown> = {}): Promise<void> {
  const res = await t.api('POST', '/v1/events', {
    body: { events: [{ source: 'scanner', externalId: `ch-${process.pid}-${seq++}`, kind: 'detection', severity: 'high', occurredAt: '2026-11-20T16:05:00Z', domain: 'shop.example', filePath: '/home/shop/public_html/x.php', threatName: 'PHP.Webshell.WSO', ...fields }] },
  });
  if (res.status !== 200 || res.body.created !== 1) throw new Error(`push: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function until<T>(read: () => T, ok: (v: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
