import { startTestApp, TestApp } from './support/test-app';

const mjml = (content: string) => `<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>${content}</mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n`;
const simple = (over: Record<string, string> = {}) => ({ subject: 'Digest', mjml: mjml('<p>Hello</p>'), text: 'Hello', ...over });

// What a hostile operator (or a stolen API key) could try through the template editor.
describe('template sandbox: no files, no prototypes, no arbitrary helpers, size and time limits', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    const brand = (await t.api('POST', '/v1/brands', { body: { name: 'Sandbox Hosting' } })).body;
    id = (await t.api('POST', '/v1/templates', { body: { brandId: brand.id, kind: 'digest.daily' } })).body.id;
  });
  afterAll(() => t.close());

  const save = (body: Record<string, unknown>) => t.api('POST', `/v1/templates/${id}/versions`, { body });
  const preview = (source: Record<string, string>) => t.api('POST', `/v1/templates/${id}/preview`, { body: { source } });
  const latest = async () => (await t.api('GET', `/v1/templates/${id}`)).body.latestVersion;

  it('refuses <mj-include path="/etc/passwd" /> on save and in a preview, and nothing is read', async () => {
    const source = simple({ mjml: '<mjml>\n  <mj-body>\n    <mj-include path="/etc/passwd" />\n  </mj-body>\n</mjml>' });
    const before = await latest();
    const saved = await save(source);
    expect(saved.status).toBe(422);
    expect(saved.body.errors[0]).toEqual({ part: 'mjml', line: 3, column: 5, message: expect.stringContaining('mj-include reads files on the server and is not allowed') });
    expect(JSON.stringify(saved.body)).not.toContain('root:');
    expect(await latest()).toBe(before);
    const shown = await preview(source);
    expect([shown.status, shown.body.code]).toEqual([422, 'template_invalid']);
    expect(JSON.stringify(shown.body)).not.toContain('root:');
  });

  it('refuses an mj-include of CSS in the head the same way', async () => {
    const res = await save(simple({ mjml: '<mjml>\n  <mj-head><mj-include path="../../../../etc/passwd" type="css" /></mj-head>\n  <mj-body></mj-body>\n</mjml>' }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('mj-include') });
  });

  it('refuses file: URLs in images and links', async () => {
    const res = await save(simple({ mjml: '<mjml>\n  <mj-body>\n    <mj-section><mj-column><mj-image src="file:///etc/passwd" /></mj-column></mj-section>\n  </mj-body>\n</mjml>' }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ line: 3, message: expect.stringContaining('file:') });
  });

  it('refuses partials, which could name files', async () => {
    const res = await save(simple({ text: 'Hello {{> passwd}}' }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ part: 'text', message: expect.stringMatching(/partial/i) });
  });

  it('refuses {{constructor.constructor "return process"}} as a call into JavaScript internals', async () => {
    const res = await save(simple({ subject: '{{constructor.constructor "return process"}}' }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toEqual({ part: 'subject', line: 1, column: 1, message: expect.stringContaining('JavaScript internals') });
  });

  it('refuses {{lookup this "__proto__"}} and other ways to reach prototypes', async () => {
    for (const subject of ['{{lookup this "__proto__"}}', '{{#with (lookup this "constructor")}}{{name}}{{/with}}', '{{constructor.name}}', '{{this.__proto__}}', '{{customer.constructor.prototype}}']) {
      const res = await save(simple({ subject }));
      expect([subject, res.status]).toEqual([subject, 422]);
      expect(res.body.errors[0].message).toMatch(/JavaScript internal/);
    }
  });

  it('refuses helpers off the whitelist', async () => {
    for (const text of ['{{log "x"}}', '{{helperMissing "x"}}', '{{blockHelperMissing "x"}}', '{{exec "id"}}']) {
      const res = await save(simple({ text }));
      expect([text, res.status]).toEqual([text, 422]);
      expect(res.body.errors[0].message).toMatch(/helper|internal/);
    }
  });

  it('renders customer data that looks like markup or Handlebars as text', async () => {
    const res = await preview(simple({ mjml: mjml('<p>{{brand.name}}</p>') }));
    expect(res.status).toBe(200);
    const hostile = await t.api('POST', `/v1/templates/${id}/preview`, { body: { source: simple({ mjml: mjml('<p>{{brand.name}}</p>') }), brand: { name: '<script>alert(1)</script>{{constructor}}' } } });
    expect(hostile.status).toBe(200);
    expect(hostile.body.html).not.toContain('<script>alert(1)');
    expect(hostile.body.html).toContain('&lt;script&gt;');
  });

  it('answers a 5 MB template with 413 from the body limit', async () => {
    const res = await save(simple({ mjml: mjml('x'.repeat(5 * 1024 * 1024)) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('limit') });
  });

  it('refuses a 300 KB part with the template size error naming the part and the limit', async () => {
    const res = await save(simple({ mjml: mjml('x'.repeat(300 * 1024)) }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_invalid', field: 'mjml' });
    expect(res.body.errors[0].message).toMatch(/The mjml is [\d,]+ bytes; the limit is 262,144 bytes/);
  });

  it('stops a template whose loops multiply without end at the render time limit, and keeps serving', async () => {
    let text = '{{#if false}}x{{/if}}';
    for (let i = 0; i < 14; i++) text = `{{#each @root.sites}}${text}{{/each}}`;
    const started = Date.now();
    const res = await preview(simple({ text }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_render_failed', message: expect.stringMatching(/took longer than the limit of \d+ ms/) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await preview(simple())).status).toBe(200);
  });
});
