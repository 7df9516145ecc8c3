import { globToLike, globToRegExp, inScope, matchesFilter, RuleEvent } from './event-filter';

const ev = (over: Partial<RuleEvent> = {}): RuleEvent => ({
  id: '1', kind: 'detection', severity: 'high', classification: 'malicious', threatName: 'PHP.Backdoor.Generic', filePath: '/a.php', process: null,
  customerId: 'c1', siteId: 's1', brandId: 'b1', server: 'web1', vendorAccountId: 'va1', source: 'va:va1', occurredAt: new Date(0), ...over,
});

describe('matchesFilter', () => {
  it('matches everything without a filter or with empty lists', () => {
    expect(matchesFilter(undefined, ev())).toBe(true);
    expect(matchesFilter({ kinds: [], servers: [] }, ev())).toBe(true);
  });

  it("matches urgentKindsOfCustomer by the event's customer's own urgent kinds", () => {
    expect(matchesFilter({ urgentKindsOfCustomer: true }, ev({ customerUrgentKinds: ['detection'] }))).toBe(true);
    expect(matchesFilter({ urgentKindsOfCustomer: true }, ev({ customerUrgentKinds: ['cleanup'] }))).toBe(false);
    expect(matchesFilter({ urgentKindsOfCustomer: true }, ev({ customerId: null }))).toBe(false);
    expect(matchesFilter({ urgentKindsOfCustomer: false }, ev())).toBe(true);
  });

  it('matches kinds, classifications, customer, site, brand, server, vendor account and source as any-of lists', () => {
    expect(matchesFilter({ kinds: ['cleanup', 'detection'] }, ev())).toBe(true);
    expect(matchesFilter({ kinds: ['cleanup'] }, ev())).toBe(false);
    expect(matchesFilter({ classifications: ['suspicious'] }, ev())).toBe(false);
    expect(matchesFilter({ customerIds: ['c2'] }, ev())).toBe(false);
    expect(matchesFilter({ customerIds: ['c1'] }, ev({ customerId: null }))).toBe(false);
    expect(matchesFilter({ siteIds: ['s1'], brandIds: ['b1'], servers: ['web1'], vendorAccountIds: ['va1'], sources: ['va:va1'] }, ev())).toBe(true);
    expect(matchesFilter({ brandIds: ['b2'] }, ev())).toBe(false);
    expect(matchesFilter({ servers: ['web2'] }, ev())).toBe(false);
    expect(matchesFilter({ vendorAccountIds: ['va2'] }, ev())).toBe(false);
    expect(matchesFilter({ sources: ['push:x'] }, ev())).toBe(false);
  });

  it('takes a minimum severity, below which an event without severity always is', () => {
    expect(matchesFilter({ minSeverity: 'high' }, ev())).toBe(true);
    expect(matchesFilter({ minSeverity: 'critical' }, ev())).toBe(false);
    expect(matchesFilter({ minSeverity: 'medium' }, ev({ severity: 'critical' }))).toBe(true);
    expect(matchesFilter({ minSeverity: 'info' }, ev({ severity: null }))).toBe(false);
  });

  it('matches a threat name glob on the whole name, case-insensitively, with other characters literal', () => {
    expect(matchesFilter({ threatName: 'php.backdoor.*' }, ev())).toBe(true);
    expect(matchesFilter({ threatName: 'PHP.?ackdoor*' }, ev())).toBe(true);
    expect(matchesFilter({ threatName: 'Backdoor' }, ev())).toBe(false);
    expect(matchesFilter({ threatName: '*' }, ev({ threatName: null }))).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('(x)+[y]*').test('(x)+[y]zzz')).toBe(true);
  });

  it('writes the same glob as an ILIKE pattern with LIKE wildcards escaped', () => {
    expect(globToLike('PHP.*_x%?')).toBe('PHP.%\\_x\\%_');
  });
});

describe('inScope', () => {
  it('applies an unscoped rule to every event and a scoped one to its brands and customers only', () => {
    expect(inScope(undefined, ev())).toBe(true);
    expect(inScope({ customerIds: ['c1'] }, ev())).toBe(true);
    expect(inScope({ customerIds: ['c2'] }, ev())).toBe(false);
    expect(inScope({ brandIds: ['b1'] }, ev({ customerId: null, brandId: null }))).toBe(false);
  });
});
