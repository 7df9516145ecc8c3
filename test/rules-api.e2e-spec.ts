import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { startTestApp, TestApp } from './support/test-app';

describe('rules API: CRUD, validation naming the field, presets, tenancy', () => {
  let t: TestApp;
  let keyB: string;
  let hookA: string;
  let hookB: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    const a = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'A hook', config: { url: 'http://127.0.0.1:9/a' } } });
    const b = await t.api('POST', '/v1/destinations', { body: { kind: 'webhook', name: 'B hook', config: { url: 'http://127.0.0.1:9/b' } }, key: keyB });
    hookA = a.body.id;
    hookB = b.body.id;
  });
  afterAll(() => t.close());

  const threshold = () => ({
    name: 'Upsell', trigger: { type: 'threshold', filter: { kinds: ['cleanup'] }, count: 10, windowSeconds: 2592000, groupBy: 'customer' },
    actions: [{ destinationId: hookA, params: { note: '{{count}} cleanups for {{customer.name}}' } }], cooldownSeconds: 86400,
  });

  it('creates, reads, lists, updates, disables, enables and deletes a rule', async () => {
    const created = await t.api('POST', '/v1/rules', { body: threshold() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Upsell', enabled: true, groupWindowSeconds: 60, cooldownSeconds: 86400, dedupeKey: '{rule}:{group}:{incident}', preset: null });
    const id = created.body.id;
    expect((await t.api('GET', `/v1/rules/${id}`)).body.trigger).toEqual(threshold().trigger);
    expect((await t.api('GET', '/v1/rules?triggerType=threshold')).body.data.map((r: any) => r.id)).toContain(id);
    const patched = await t.api('PATCH', `/v1/rules/${id}`, { body: { name: 'Upsell (EU)', quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'critical' } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Upsell (EU)', quietHours: { start: '22:00', end: '07:00', bypassSeverity: 'critical' }, cooldownSeconds: 86400 });
    expect((await t.api('POST', `/v1/rules/${id}/disable`)).body.enabled).toBe(false);
    expect((await t.api('GET', '/v1/rules?enabled=true')).body.data.map((r: any) => r.id)).not.toContain(id);
    expect((await t.api('POST', `/v1/rules/${id}/enable`)).body.enabled).toBe(true);
    expect((await t.api('GET', `/v1/rules/${id}/firings`)).body).toEqual({ data: [], nextCursor: null });
    expect((await t.api('DELETE', `/v1/rules/${id}`)).status).toBe(204);
    expect((await t.api('GET', `/v1/rules/${id}`)).status).toBe(404);
  });

  it.each([
    ['a threshold without a window', { trigger: { type: 'threshold', count: 10 } }, 'trigger.windowSeconds'],
    ['a template variable the trigger does not provide', { trigger: { type: 'event' }, actions: [{ destinationId: '$A', params: { note: '{{count}}' } }] }, 'actions[0].params.note'],
    ['a dedupe key variable the trigger does not provide', { trigger: { type: 'schedule', cron: '0 9 1 * *' }, dedupeKey: '{rule}:{event}' }, 'dedupeKey'],
    ['a destination of another organization', { actions: [{ destinationId: '$B' }] }, 'actions[0].destinationId'],
    ['a destination that does not exist', { actions: [{ destinationId: '00000000-0000-4000-8000-000000000000' }] }, 'actions[0].destinationId'],
    ['a customer of nobody in scope', { scope: { customerIds: ['00000000-0000-4000-8000-000000000000'] } }, 'scope.customerIds[0]'],
    ['an impossible cron', { trigger: { type: 'schedule', cron: '0 25 * * *' } }, 'trigger.cron'],
    ['an unknown field', { colour: 'red' }, 'colour'],
  ])('refuses %s with a 400 naming the field', async (_, over, field) => {
    const body = JSON.parse(JSON.stringify({ ...threshold(), ...over }).replace('$A', hookA).replace('$B', hookB));
    const res = await t.api('POST', '/v1/rules', { body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', field });
  });

  it('lists presets and creates a working rule from each, with overrides', async () => {
    const presets = await t.api('GET', '/v1/rule-presets');
    expect(presets.status).toBe(200);
    expect(presets.body.data.map((p: any) => p.id)).toEqual(expect.arrayContaining(['ticket-malicious-process-killed', 'upsell-cleanups', 'monthly-portal-counters', 'oncall-mass-infection', 'site-infected-clean', 'agent-stale', 'urgent-critical-email']));
    for (const p of presets.body.data) {
      const res = await t.api('POST', '/v1/rules', { body: { preset: p.id, actions: [{ destinationId: hookA }] } });
      expect(res.status).toBe(201);
      expect(res.body.preset).toBe(p.id);
    }
    const upsell = await t.api('POST', '/v1/rules', { body: { preset: 'upsell-cleanups', name: 'Five', trigger: { count: 5 }, actions: [{ destinationId: hookA }] } });
    expect(upsell.body).toMatchObject({ name: 'Five', trigger: { type: 'threshold', count: 5, windowSeconds: 2592000, groupBy: 'customer' }, groupWindowSeconds: 0 });
    expect((await t.api('POST', '/v1/rules', { body: { preset: 'nope', actions: [{ destinationId: hookA }] } })).status).toBe(404);
  });

  it("keeps each organization's rules to itself", async () => {
    const mine = await t.api('POST', '/v1/rules', { body: threshold() });
    const id = mine.body.id;
    for (const [method, path] of [['GET', `/v1/rules/${id}`], ['PATCH', `/v1/rules/${id}`], ['POST', `/v1/rules/${id}/disable`], ['GET', `/v1/rules/${id}/firings`], ['DELETE', `/v1/rules/${id}`]]) {
      const res = await t.api(method, path, { key: keyB, body: method === 'PATCH' ? { name: 'x' } : undefined });
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await t.api('GET', '/v1/rules', { key: keyB })).body.data).toEqual([]);
    expect((await t.api('GET', `/v1/rules/${id}`)).body.name).toBe('Upsell');
  });

  it('documents the rule endpoints and the rule.fired message in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/docs-json', { key: null })).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/rules', '/v1/rules/{id}', '/v1/rules/{id}/firings', '/v1/rules/dry-run', '/v1/rule-presets']));
    expect(doc.components.schemas.RuleFiredMessage.properties.type.enum).toEqual(['rule.fired']);
  });
});
