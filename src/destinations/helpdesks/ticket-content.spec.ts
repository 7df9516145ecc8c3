import { ticketContent } from './ticket-content';

const event = { type: 'rule.fired', timestamp: '2026-12-01T10:00:00.000Z', data: {} };
const data = {
  rule: { id: '0b9c8f1e-1111-4222-8333-444455556666', name: 'Site infected' }, incident: 'site-1@2026-12-01T10:00:00.000Z', from: 'clean', to: 'infected',
  customer: { id: 'c1', name: 'Acme Ltd', emails: ['ops@acme.example'] },
  events: [{ kind: 'detection', severity: 'critical', threatName: 'PHP.Webshell.WSO', domain: 'acme.example' }],
};
const base = { destinationId: 'd1', deliveryId: 'x1', threadKey: 'rule:r1:site-1@2026-12-01T10:00:00.000Z', event, data, params: {}, fallbackEmail: null };

describe('ticketContent', () => {
  it("says what changed and where, asks the customer as requester, and tags the rule and the incident", () => {
    const c = ticketContent(base);
    expect(c.subject).toBe('Site infected — Acme Ltd: clean → infected');
    expect(c.body).toBe('Site infected — Acme Ltd: clean → infected\n\ncritical detection: PHP.Webshell.WSO on acme.example');
    expect(c.requester).toEqual({ name: 'Acme Ltd', email: 'ops@acme.example' });
    expect(c.severity).toBe('critical');
    expect(c.tags).toEqual(['hostdigest', 'hd-rule-0b9c8f1e11114222', c.incidentTag]);
    expect(c.incidentTag).toMatch(/^hd-[0-9a-f]{12}$/);
    expect(c.externalKey).toMatch(/^hostdigest-d1-[0-9a-f]{32}$/);
  });

  it('is the same for the same incident on every attempt, and another for another incident or destination', () => {
    expect(ticketContent(base)).toEqual(ticketContent({ ...base, deliveryId: 'x2' }));
    expect(ticketContent({ ...base, threadKey: 'rule:r1:other' }).incidentTag).not.toBe(ticketContent(base).incidentTag);
    expect(ticketContent({ ...base, destinationId: 'd2' }).externalKey).not.toBe(ticketContent(base).externalKey);
  });

  it("takes the rule's rendered params over its own text, and the fallback requester without a customer address", () => {
    const c = ticketContent({ ...base, data: { ...data, customer: { name: 'NoMail' } }, params: { subject: 'Malware on acme.example', body: 'Please look.', tags: ['vip'] }, fallbackEmail: 'support@host.example' });
    expect(c).toMatchObject({ subject: 'Malware on acme.example', body: 'Please look.', requester: { name: 'NoMail', email: 'support@host.example' } });
    expect(c.tags).toContain('vip');
  });
});
