import { sampleData } from '../src/templates/sample-data';
import { TemplatesService } from '../src/templates/templates.service';
import { startTestApp, TestApp } from './support/test-app';

const mjml = (content: string) => `<mjml>\n  <mj-body>\n    <mj-section>\n      <mj-column>\n        <mj-text>${content}</mj-text>\n      </mj-column>\n    </mj-section>\n  </mj-body>\n</mjml>\n`;
const simple = (over: Record<string, string> = {}) => ({ subject: 'Digest', mjml: mjml('<p>Hello</p>'), text: 'Hello', ...over });

// 261,949 bytes (under the 256 KiB part limit): an inline mj-style of 5,500 rules over 5,500 elements, which MJML
// (juice) takes 11–18 s to inline.
function inlineStyleBomb(): string {
  const n = 5500;
  const rules = Array.from({ length: n }, (_, i) => `.cls-${i}{color:#${(i % 4096).toString(16).padStart(3, '0')}}`).join('\n');
  const elements = Array.from({ length: n }, (_, i) => `<p class="cls-${i}">x</p>`).join('\n');
  return `<mjml>\n<mj-head>\n<mj-style inline="inline">\n${rules}\n</mj-style>\n</mj-head>\n<mj-body>\n<mj-section>\n<mj-column>\n<mj-text>\n${elements}\n</mj-text>\n</mj-column>\n</mj-section>\n</mj-body>\n</mjml>\n`;
}

// {{#each}} nested 14 deep over the sample's sites: 8^14 iterations unless something stops it.
function loopBomb(): string {
  let text = '{{#if false}}x{{/if}}';
  for (let i = 0; i < 14; i++) text = `{{#each @root.sites}}${text}{{/each}}`;
  return text;
}

// Asks /health/live one request after another while work() runs: the answers' 95th percentile and slowest time, and
// how many there were. The bound (under 100 ms) holds for the 95th percentile; the slowest answer gets room for
// the OS scheduler of a loaded 2-core machine (305 ms was seen with four test processes on two cores), still far
// below a held event loop (the 2 s and 5 s limits).
const SLOWEST_MS = 1000;
async function whileLive<T>(baseUrl: string, work: () => Promise<T>): Promise<{ result: T; slowestMs: number; p95Ms: number; answers: number }> {
  const times: number[] = [];
  let done = false;
  const probe = (async () => {
    while (!done) {
      const started = performance.now();
      const res = await fetch(`${baseUrl}/health/live`);
      await res.text();
      times.push(performance.now() - started);
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    const result = await work();
    const sorted = [...times].sort((a, b) => a - b);
    return { result, slowestMs: sorted[sorted.length - 1], p95Ms: sorted[Math.floor(sorted.length * 0.95)], answers: times.length };
  } finally {
    done = true;
    await probe;
  }
}

// What a hostile operator (or a stolen API key) could try through the template editor.
describe('template sandbox: no files, no prototypes, no arbitrary helpers, size and time limits', () => {
  let t: TestApp;
  let id: string;
  let orgId: string;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000' });
    orgId = (await t.api('GET', '/v1/organization')).body.id;
    const brand = (await t.api('POST', '/v1/brands', { body: { name: 'Sandbox Hosting' } })).body;
    id = (await t.api('POST', '/v1/templates', { body: { brandId: brand.id, kind: 'digest.daily' } })).body.id;
  });
  afterAll(() => t.close());

  const save = (body: Record<string, unknown>) => t.api('POST', `/v1/templates/${id}/versions`, { body });
  const preview = (source: Record<string, string>) => t.api('POST', `/v1/templates/${id}/preview`, { body: { source } });
  const latest = async () => (await t.api('GET', `/v1/templates/${id}`)).body.latestVersion;
  // Every worker thread started, with mjml loaded, so that what is measured is the task, not a worker's start.
  const warm = async () => {
    for (const res of await Promise.all(Array.from({ length: t.config.templates.workerThreads }, () => preview(simple())))) expect(res.status).toBe(200);
  };

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
    const started = Date.now();
    const res = await preview(simple({ text: loopBomb() }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'template_render_failed', message: expect.stringMatching(/took longer than the limit of \d+ ms/) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await preview(simple())).status).toBe(200);
  });

  it('stops a 260 KB inline-style template at the time limit with 422 template_timeout while /health/live answers in under 100 ms', async () => {
    await warm();
    const limit = t.config.templates.taskTimeoutMs;
    const source = simple({ mjml: inlineStyleBomb() });
    expect(Buffer.byteLength(source.mjml)).toBeGreaterThan(260_000);
    const before = await latest();
    const started = Date.now();
    const { result: saved, slowestMs, p95Ms, answers } = await whileLive(t.baseUrl, () => save(source));
    const elapsed = Date.now() - started;
    expect(saved.status).toBe(422);
    expect(saved.body).toEqual({ code: 'template_timeout', field: 'mjml', message: expect.stringContaining(`the mjml part was stopped after ${limit.toLocaleString('en-US')} ms: compiling and rendering it takes too long`) });
    expect(elapsed).toBeGreaterThanOrEqual(limit);
    expect(elapsed).toBeLessThan(limit + 2500);
    expect(answers).toBeGreaterThan(20);
    expect(p95Ms).toBeLessThan(100);
    expect(slowestMs).toBeLessThan(SLOWEST_MS);
    expect(await latest()).toBe(before);

    // the preview is stopped the same way, and the replaced worker thread serves the next preview
    const shown = await whileLive(t.baseUrl, () => preview(source));
    expect([shown.result.status, shown.result.body.code, shown.result.body.field]).toEqual([422, 'template_timeout', 'mjml']);
    expect(shown.p95Ms).toBeLessThan(100);
    expect(shown.slowestMs).toBeLessThan(SLOWEST_MS);
    const next = await preview(simple({ mjml: mjml('<p>Still here</p>') }));
    expect(next.status).toBe(200);
    expect(next.body.html).toContain('Still here');
  });

  it('runs five loop bombs at once in the worker threads: each stopped with 422, /health/live never waits', async () => {
    await warm();
    const { result, slowestMs, p95Ms, answers } = await whileLive(t.baseUrl, () => Promise.all(Array.from({ length: 5 }, () => preview(simple({ text: loopBomb() })))));
    for (const res of result) {
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'template_render_failed', field: 'text', message: expect.stringMatching(/took longer than the limit of 2000 ms/) });
    }
    expect(answers).toBeGreaterThan(20);
    expect(p95Ms).toBeLessThan(100);
    expect(slowestMs).toBeLessThan(SLOWEST_MS);
  });

  it('a published loop bomb holds the event loop at most once, briefly: its later renders run in the worker threads', async () => {
    const brand = (await t.api('POST', '/v1/brands', { body: { name: 'Loop Hosting' } })).body;
    const tpl = (await t.api('POST', '/v1/templates', { body: { brandId: brand.id, kind: 'digest.daily' } })).body;
    // a save checks the source, not how long it renders: the bomb can be published
    const published = await t.api('POST', `/v1/templates/${tpl.id}/versions`, { body: { ...simple({ text: loopBomb() }), publish: true } });
    expect(published.status).toBe(201);
    const templates = t.app.get(TemplatesService);
    const render = () => templates.renderPublished(orgId, brand.id, 'digest.daily', sampleData('digest.daily'));
    const first = await whileLive(t.baseUrl, () => render().then(() => null, (e: { code: string; reason: string }) => e));
    expect(first.result).toMatchObject({ code: 'template_render_failed', reason: 'too_slow' });
    expect(first.slowestMs).toBeLessThan(400); // the one in-process attempt stops after 100 ms
    const later = await whileLive(t.baseUrl, () => Promise.all([render(), render()].map((p) => p.then(() => null, (e: { reason: string }) => e.reason))));
    expect(later.result).toEqual(['too_slow', 'too_slow']);
    expect(later.p95Ms).toBeLessThan(100);
    expect(later.slowestMs).toBeLessThan(SLOWEST_MS);
  });
});
