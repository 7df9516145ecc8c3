import { ApiKeysService } from '../src/api-keys/api-keys.service';
import { OrganizationsService } from '../src/organizations/organizations.service';
import { TemplatesService } from '../src/templates/templates.service';
import { sampleData } from '../src/templates/sample-data';
import { startTestApp, TestApp } from './support/test-app';

const mjml = (content: string) => `<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>${content}</mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n`;
const simple = (content: string, extra: Record<string, unknown> = {}) => ({ subject: 'Digest for {{customer.name}}', mjml: mjml(content), text: 'Hello {{customer.name}}', ...extra });

describe('templates: versions, publish and rollback, validation, preview, test send, isolation', () => {
  let t: TestApp;
  let keyB: string;
  let orgId: string;
  let brandId: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    const orgB = await t.app.get(OrganizationsService).create('Other Hosting Ltd');
    keyB = (await t.app.get(ApiKeysService).create(orgB.id, 'b-admin', ['admin'])).key;
    orgId = (await t.api('GET', '/v1/organization')).body.id;
    brandId = (await t.api('POST', '/v1/brands', { body: { name: 'Northwind Hosting', primaryColor: '#0b5fff', senderEmail: 'security@northwind.example' } })).body.id;
  });
  afterAll(() => t.close());

  // A fresh brand with its own override of kind, so that each test starts from version 1.
  const template = async (kind = 'digest.daily') => {
    const brand = (await t.api('POST', '/v1/brands', { body: { name: `Brand ${Math.random()}` } })).body;
    const res = await t.api('POST', '/v1/templates', { body: { brandId: brand.id, kind } });
    expect(res.status).toBe(201);
    return res.body;
  };
  const save = (id: string, body: Record<string, unknown>, key?: string) => t.api('POST', `/v1/templates/${id}/versions`, { body, key });

  it('serves the variable reference and sample data per kind', async () => {
    const res = await t.api('GET', '/v1/template-kinds');
    expect(res.status).toBe(200);
    expect(res.body.data.map((k: { kind: string }) => k.kind)).toEqual([
      'digest.daily', 'digest.weekly', 'digest.monthly', 'ticket.malware', 'alert.urgent', 'rule.fired', 'channel.security_event', 'channel.rule.fired', 'channel.digest.sent',
    ]);
    const daily = res.body.data[0];
    expect(daily.description).toMatch(/daily/i);
    expect(daily.variables).toContainEqual(expect.objectContaining({ path: 'sites[].domain', type: 'string' }));
    expect(daily.variables).toContainEqual(expect.objectContaining({ path: 'brand.primaryColor', brandBinding: true }));
    expect(daily.sampleData.customer.name).toBe('Sonnenschein Bakery');
    expect(res.body.data[3].variables).toContainEqual(expect.objectContaining({ path: 'event.threatName' }));
  });

  it('serves the shipped default source of a kind and 404 for an unknown kind', async () => {
    const res = await t.api('GET', '/v1/template-kinds/digest.weekly/default');
    expect(res.status).toBe(200);
    expect(res.body.mjml).toContain('<mjml');
    expect(res.body.subject).toContain('{{brand.name}}');
    expect(res.body.text).toContain('{{customer.name}}');
    expect((await t.api('GET', '/v1/template-kinds/digest.hourly/default')).status).toBe(404);
  });

  it('creates a brand override seeded from the shipped default as published version 1, recording who', async () => {
    const res = await t.api('POST', '/v1/templates', { body: { brandId, kind: 'digest.weekly' } });
    expect(res.status).toBe(201);
    const shipped = (await t.api('GET', '/v1/template-kinds/digest.weekly/default')).body;
    expect(res.body).toMatchObject({ brandId, kind: 'digest.weekly', publishedVersion: 1, latestVersion: 1 });
    expect(res.body.published).toMatchObject({ version: 1, status: 'published', subject: shipped.subject, mjml: shipped.mjml, text: shipped.text });
    expect(res.body.published.createdBy).toBe('bootstrap admin (HOSTDIGEST_ADMIN_KEY) (hd_testadmn)');
    expect((await t.api('GET', `/v1/templates/${res.body.id}`)).body).toMatchObject({ id: res.body.id, published: { version: 1 } });
    expect((await t.api('GET', `/v1/templates?brandId=${brandId}&kind=digest.weekly`)).body.data.map((x: { id: string }) => x.id)).toEqual([res.body.id]);
  });

  it('refuses a second override of the same kind for a brand: 409 template_exists', async () => {
    const tpl = await template('digest.monthly');
    const again = await t.api('POST', '/v1/templates', { body: { brandId: tpl.brandId, kind: 'digest.monthly' } });
    expect([again.status, again.body.code]).toEqual([409, 'template_exists']);
  });

  it('validates the create request with the field at fault', async () => {
    expect((await t.api('POST', '/v1/templates', { body: { brandId, kind: 'digest.hourly' } })).body).toMatchObject({ field: 'kind' });
    expect((await t.api('POST', '/v1/templates', { body: { brandId: 'x', kind: 'digest.daily' } })).body).toMatchObject({ field: 'brandId' });
    expect((await t.api('POST', '/v1/templates', { body: { brandId: '00000000-0000-4000-8000-000000000000', kind: 'digest.daily' } })).status).toBe(404);
  });

  it('saves every version as a new one and keeps earlier versions unchanged', async () => {
    const tpl = await template();
    const v2 = await save(tpl.id, { ...simple('<p>Version two</p>'), note: 'shorter' });
    expect(v2.status).toBe(201);
    expect(v2.body).toEqual({ version: 2, published: false, warnings: [] });
    const v3 = await save(tpl.id, simple('<p>Version three</p>'));
    expect(v3.body.version).toBe(3);

    expect((await t.api('GET', `/v1/templates/${tpl.id}/versions/2`)).body).toMatchObject({ version: 2, note: 'shorter', status: 'draft', mjml: expect.stringContaining('Version two') });
    expect((await t.api('GET', `/v1/templates/${tpl.id}/versions/1`)).body.mjml).toBe(tpl.published.mjml);
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body).toMatchObject({ publishedVersion: 1, latestVersion: 3 });
    expect((await t.api('GET', `/v1/templates/${tpl.id}/versions/9`)).status).toBe(404);
    expect((await t.api('GET', `/v1/templates/${tpl.id}/versions/99999999999`)).status).toBe(404);
  });

  it('has no way to change a saved version: no endpoint, and the database refuses it', async () => {
    const tpl = await template();
    expect((await t.api('PATCH', `/v1/templates/${tpl.id}/versions/1`, { body: { subject: 'x' } })).status).toBe(404);
    expect((await t.api('PUT', `/v1/templates/${tpl.id}/versions/1`, { body: { subject: 'x' } })).status).toBe(404);
    await expect(t.db.dataSource.query(`UPDATE template_versions SET mjml = 'x' WHERE template_id = $1`, [tpl.id])).rejects.toThrow(/immutable/);
  });

  it('publishes a draft, rolls back to an earlier version, and records who and when', async () => {
    const tpl = await template();
    await save(tpl.id, simple('<p>Draft two</p>'));
    const published = await t.api('POST', `/v1/templates/${tpl.id}/publish`, { body: { version: 2 } });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ publishedVersion: 2, published: { version: 2, status: 'published', mjml: expect.stringContaining('Draft two') } });
    expect(published.body.published.publishedBy).toBe('bootstrap admin (HOSTDIGEST_ADMIN_KEY) (hd_testadmn)');

    const rollback = await t.api('POST', `/v1/templates/${tpl.id}/publish`, { body: { version: 1 } });
    expect(rollback.body).toMatchObject({ publishedVersion: 1, latestVersion: 2, published: { version: 1 } });

    const versions = (await t.api('GET', `/v1/templates/${tpl.id}/versions`)).body.data;
    expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[2, 'archived'], [1, 'published']]);
    expect(versions[0]).not.toHaveProperty('mjml');
    expect(new Date(versions[1].publishedAt).getTime()).toBeGreaterThanOrEqual(new Date(versions[0].publishedAt).getTime());
    expect((await t.api('POST', `/v1/templates/${tpl.id}/publish`, { body: { version: 7 } })).status).toBe(404);
  });

  it('publishes on save with publish: true', async () => {
    const tpl = await template();
    const res = await save(tpl.id, { ...simple('<p>Now</p>'), publish: true });
    expect(res.body).toMatchObject({ version: 2, published: true });
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body).toMatchObject({ publishedVersion: 2, published: { mjml: expect.stringContaining('Now') } });
  });

  it('refuses invalid MJML with 422, the line and column, and saves nothing', async () => {
    const tpl = await template();
    const res = await save(tpl.id, { ...simple(''), mjml: '<mjml>\n  <mj-body>\n    <mj-sectionx></mj-sectionx>\n  </mj-body>\n</mjml>' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_invalid', field: 'mjml', warnings: [] });
    expect(res.body.errors[0]).toEqual({ part: 'mjml', line: 3, column: 5, message: expect.stringContaining('mj-sectionx') });
    expect(res.body.message).toMatch(/^mjml line 3, column 5: .*mj-sectionx/);
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body.latestVersion).toBe(1);
  });

  it('refuses unclosed MJML, whose text MJML would drop, with 422 at the unclosed element, in a save and a preview', async () => {
    const tpl = await template();
    const source = { ...simple(''), mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>hi' };
    const res = await save(tpl.id, source);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_invalid', field: 'mjml', message: expect.stringMatching(/^mjml line 1, column 39: <mj-text> is never closed/) });
    expect(res.body.errors).toEqual([{ part: 'mjml', line: 1, column: 39, message: expect.stringContaining('MJML drops the content of an unclosed <mj-text>') }]);
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body.latestVersion).toBe(1);
    const shown = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { source } });
    expect(shown.status).toBe(422);
    expect(shown.body.errors[0]).toMatchObject({ line: 1, column: 39 });
  });

  it('refuses a Handlebars block that is never closed with 422 and where it opens', async () => {
    const tpl = await template();
    const res = await save(tpl.id, { ...simple(''), text: 'Hello\n\n  {{#if status.outstanding}}attention' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ field: 'text', errors: [{ part: 'text', line: 3, column: 3, message: expect.stringContaining('{{/if}}') }] });
  });

  it('refuses {{#each}} around MJML components, saying where to move it', async () => {
    const tpl = await template();
    const body = '<mjml>\n  <mj-body>\n    {{#each sites}}\n    <mj-section><mj-column><mj-text>{{domain}}</mj-text></mj-column></mj-section>\n    {{/each}}\n  </mj-body>\n</mjml>';
    const res = await save(tpl.id, { ...simple(''), mjml: body });
    expect(res.status).toBe(422);
    const [err] = res.body.errors;
    expect(err).toMatchObject({ part: 'mjml', line: 3, column: 5 });
    expect(err.message).toContain('<mj-section>');
    expect(err.message).toMatch(/inside one <mj-table>|inside one <mj-text>/);
    expect(err.message).toContain('<mj-raw>');
  });

  it('saves a template with unknown variables and answers them as warnings with their place', async () => {
    const tpl = await template();
    const res = await save(tpl.id, simple('<p>{{customer.nmae}}</p>', { subject: 'Hi {{foo}}' }));
    expect(res.status).toBe(201);
    expect(res.body.warnings).toEqual([
      { part: 'subject', line: 1, column: 6, message: expect.stringContaining('"foo" is not a documented variable') },
      { part: 'mjml', line: 5, column: 23, message: expect.stringContaining('did you mean "customer.name"') },
    ]);
  });

  it('previews the published version with sample data: subject, HTML, text and sizes', async () => {
    const tpl = await template();
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: {} });
    expect(res.status).toBe(200);
    expect(res.body.subject).toMatch(/^Brand [\d.]+: Daily security summary, /);
    expect(res.body.html).toContain('Sonnenschein Bakery');
    expect(res.body.text).toContain('Sonnenschein Bakery');
    expect(res.body.bytes).toEqual({ html: Buffer.byteLength(res.body.html), text: Buffer.byteLength(res.body.text) });
    expect(res.body.warnings).toEqual([]);
  });

  it('previews a saved draft by its version, in another locale', async () => {
    const tpl = await template();
    await save(tpl.id, simple('<p>Draft for {{customer.name}}</p>'));
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { version: 2, locale: 'de' } });
    expect(res.body.html).toContain('Draft for Sonnenschein Bakery');
    const published = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { locale: 'de' } });
    expect(published.body.subject).toContain('Täglich');
  });

  it('previews unsaved source with unsaved brand edits, showing the override colour', async () => {
    const tpl = await template();
    const source = simple('<p style="color:[[brand.primaryColor]]">Live {{brand.name}}</p>');
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { source, brand: { primaryColor: '#c0ffee', name: 'Renamed Hosting' } } });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('color:#c0ffee');
    expect(res.body.html).toContain('Live Renamed Hosting');
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body.latestVersion).toBe(1); // nothing saved
  });

  it('answers a preview of invalid unsaved source with the same 422 as a save', async () => {
    const tpl = await template();
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { source: { ...simple(''), subject: '{{#if x}}' } } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_invalid', field: 'subject', errors: [{ part: 'subject', line: 1, column: 1 }] });
  });

  it('previews with a real customer and period instead of sample data', async () => {
    const tpl = await template();
    const customer = (await t.api('POST', '/v1/customers', { body: { externalRef: 'preview-1', name: 'Real Bakery GmbH', brandId: tpl.brandId } })).body;
    const period = { start: '2026-11-16T00:00:00Z', end: '2026-11-17T00:00:00Z' };
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { customerId: customer.id, period } });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('Real Bakery GmbH');
    expect(res.body.html).not.toContain('Sonnenschein');
    expect((await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { customerId: customer.id } })).body).toMatchObject({ field: 'period' });
    expect((await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { customerId: customer.id, period: { start: period.end, end: period.start } } })).body).toMatchObject({ field: 'period.end' });
  });

  it('answers 404 for a preview with another organization’s customer', async () => {
    const tpl = await template();
    const theirs = (await t.api('POST', '/v1/customers', { body: { externalRef: 'theirs-1', name: 'Theirs' }, key: keyB })).body;
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { customerId: theirs.id, period: { start: '2026-11-16T00:00:00Z', end: '2026-11-17T00:00:00Z' } } });
    expect(res.status).toBe(404);
  });

  it('validates preview brand edits with the field at fault', async () => {
    const tpl = await template();
    const res = await t.api('POST', `/v1/templates/${tpl.id}/preview`, { body: { brand: { primaryColor: 'red' } } });
    expect([res.status, res.body.field]).toEqual([400, 'brand.primaryColor']);
  });

  it('sends a test message from the brand’s sender with sample data: 202 with the message id', async () => {
    const tpl = await template();
    await t.api('PATCH', `/v1/brands/${tpl.brandId}`, { body: { senderName: 'Test Sender', senderEmail: 'digest@brand.example' } });
    const res = await t.api('POST', `/v1/templates/${tpl.id}/test-send`, { body: { to: 'operator@example.com' } });
    expect(res.status).toBe(202);
    expect(res.body.messageId).toEqual(expect.any(String));
    const outbox = (await t.api('GET', '/v1/outbox')).body.data;
    const sent = outbox.find((m: { messageId: string | null }) => m.messageId === res.body.messageId);
    expect(sent).toMatchObject({ to: expect.stringContaining('operator@example.com'), from: expect.stringContaining('digest@brand.example') });
    expect(sent.subject).toContain('Brand');
    expect((await t.api('POST', `/v1/templates/${tpl.id}/test-send`, { body: { to: 'nope' } })).body).toMatchObject({ field: 'to' });
  });

  it('renders what a brand has published for senders, and the shipped default until it overrides a kind', async () => {
    const templates = t.app.get(TemplatesService);
    const before = await templates.renderPublished(orgId, brandId, 'digest.daily', sampleData('digest.daily'));
    expect(before.template).toMatchObject({ templateId: null, version: null, cacheKey: `default:digest.daily:${brandId}:1` });
    expect(before.email.subject).toContain('Northwind Hosting');
    expect(before.brand).toMatchObject({ id: brandId, senderEmail: 'security@northwind.example' });

    const tpl = (await t.api('POST', '/v1/templates', { body: { brandId, kind: 'digest.daily' } })).body;
    await save(tpl.id, { ...simple('<p>Custom for {{customer.name}}</p>'), publish: true });
    const after = await templates.renderPublished(orgId, brandId, 'digest.daily', sampleData('digest.daily'));
    expect(after.template).toMatchObject({ templateId: tpl.id, version: 2 });
    expect(after.email.html).toContain('Custom for Sonnenschein Bakery');
    expect(after.email.subject).toBe('Digest for Sonnenschein Bakery');
  });

  it('uses the default brand for brandId null, and a new cache key when the brand changes', async () => {
    const templates = t.app.get(TemplatesService);
    const first = await templates.published(orgId, null, 'ticket.malware');
    const def = (await t.api('GET', '/v1/brands?limit=500')).body.data.find((b: { isDefault: boolean }) => b.isDefault);
    expect(first.cacheKey).toBe(`default:ticket.malware:${def.id}:${def.version}`);
    await t.api('PATCH', `/v1/brands/${def.id}`, { body: { primaryColor: '#334455' } });
    const second = await templates.renderPublished(orgId, null, 'ticket.malware', sampleData('ticket.malware'));
    expect(second.template.cacheKey).toBe(`default:ticket.malware:${def.id}:${def.version + 1}`);
    expect(second.email.html).toContain('#334455');
  });

  it('fails one render that outgrows the limits with a reason, and the next render works', async () => {
    const templates = t.app.get(TemplatesService);
    const huge = { ...sampleData('digest.daily'), customer: { id: 'c', name: 'x'.repeat(1_200_000) } };
    await expect(templates.renderPublished(orgId, null, 'digest.daily', huge)).rejects.toMatchObject({ code: 'template_render_failed', reason: 'output_too_large' });
    const ok = await templates.renderPublished(orgId, null, 'digest.daily', sampleData('digest.daily'));
    expect(ok.email.html).toContain('Sonnenschein Bakery');
  });

  it('answers 404 for another organization’s templates and brands', async () => {
    const tpl = await template();
    for (const [method, path, body] of [
      ['GET', `/v1/templates/${tpl.id}`],
      ['GET', `/v1/templates/${tpl.id}/versions`],
      ['GET', `/v1/templates/${tpl.id}/versions/1`],
      ['POST', `/v1/templates/${tpl.id}/versions`, simple('<p>stolen</p>')],
      ['POST', `/v1/templates/${tpl.id}/publish`, { version: 1 }],
      ['POST', `/v1/templates/${tpl.id}/preview`, {}],
      ['POST', `/v1/templates/${tpl.id}/test-send`, { to: 'thief@example.com' }],
      ['POST', '/v1/templates', { brandId: tpl.brandId, kind: 'digest.weekly' }],
    ] as [string, string, unknown?][]) {
      expect([method, path, (await t.api(method, path, { key: keyB, body })).status]).toEqual([method, path, 404]);
    }
    expect((await t.api('GET', `/v1/templates?brandId=${tpl.brandId}`, { key: keyB })).body.data).toEqual([]);
    expect((await t.api('GET', `/v1/templates/${tpl.id}`)).body.latestVersion).toBe(1);
  });
});
