import { CsvColumn, CSV_COLUMNS, ImportRow, Rejection } from './customer-csv';
import { ExistingCustomer, planImport, PlanInput } from './import-plan';

const ALL = new Set<CsvColumn>(CSV_COLUMNS);
const site = (domains: string[], more: Partial<ImportRow['site'] & object> = {}) => ({ domains, server: null, accountUser: null, vendorSiteIds: [], ...more });
const r = (line: number, externalRef: string, customer: ImportRow['customer'], s: ImportRow['site'] = null): ImportRow => ({ line, externalRef, customer, site: s });

function plan(rows: (ImportRow | Rejection[])[], over: Partial<PlanInput> = {}) {
  let n = 0;
  return planImport({ rows, columns: ALL, existing: new Map(), holders: new Map(), newId: () => `id-${++n}`, ...over });
}

const acme: ExistingCustomer = {
  id: 'c-acme', name: 'Acme', emails: ['a@acme.example'], locale: 'en', timeZone: 'UTC', status: 'active',
  sites: [{ id: 's-acme', domains: ['acme.example', 'www.acme.example'], server: null, accountUser: null, vendorSiteIds: [] }],
};

describe('planImport', () => {
  it('creates a customer with defaults and one site per row', () => {
    const p = plan([r(2, 'c1', { name: 'One' }, site(['one.example'])), r(3, 'c1', {}, site(['two.example']))]);
    expect(p.customers).toEqual([{ id: 'id-1', externalRef: 'c1', action: 'create', values: { name: 'One', emails: [], locale: 'en', timeZone: 'UTC', status: 'active' } }]);
    expect(p.sites.map((s) => [s.customerId, s.values.domains, s.action])).toEqual([['id-1', ['one.example'], 'create'], ['id-1', ['two.example'], 'create']]);
    expect(p.rejected).toEqual([]);
  });

  it('finds existing customers and sites again: the same data is unchanged', () => {
    const p = plan([r(2, 'acme', { name: 'Acme', emails: ['a@acme.example'] }, site(['acme.example', 'www.acme.example']))], { existing: new Map([['acme', acme]]), holders: new Map([['dom:acme.example', 's-acme'], ['dom:www.acme.example', 's-acme']]) });
    expect(p.customers.map((c) => c.action)).toEqual(['unchanged']);
    expect(p.sites.map((s) => [s.id, s.action])).toEqual([['s-acme', 'unchanged']]);
  });

  it('updates what differs; a blank cell in a present column means the default, a missing column keeps the value', () => {
    const existing = new Map([['acme', { ...acme, locale: 'de' }]]);
    const updated = plan([r(2, 'acme', { name: 'Acme' })], { existing });
    expect(updated.customers[0]).toMatchObject({ action: 'update', values: { emails: [], locale: 'en' } });
    const kept = plan([r(2, 'acme', { name: 'Acme' })], { existing, columns: new Set<CsvColumn>(['external_ref', 'name']) });
    expect(kept.customers[0]).toMatchObject({ action: 'unchanged', values: { emails: ['a@acme.example'], locale: 'de' } });
  });

  it('requires a name for the first row of a customer and agreement from its later rows', () => {
    const p = plan([r(2, 'c1', {}), r(3, 'c1', { name: 'One' }), r(4, 'c1', { name: 'Other', locale: 'en' })]);
    expect(p.rejected).toEqual([
      { line: 2, field: 'name', reason: 'name is required' },
      { line: 4, field: 'name', reason: expect.stringContaining('differs from line 3') },
    ]);
    expect(p.customers).toHaveLength(1);
  });

  it('rejects a site key another site holds, or that an earlier row claimed, naming the line or the site', () => {
    const p = plan(
      [r(2, 'c1', { name: 'One' }, site(['one.example'])), r(3, 'c2', { name: 'Two' }, site(['two.example', 'one.example'])), r(4, 'c3', { name: 'Three' }, site(['acme.example']))],
      { holders: new Map([['dom:acme.example', 's-acme']]) },
    );
    expect(p.rejected).toEqual([
      { line: 3, field: 'domains', reason: 'domain one.example is also given on line 2' },
      { line: 4, field: 'domains', reason: 'domain acme.example already belongs to site s-acme' },
    ]);
    expect(p.customers.map((c) => c.externalRef)).toEqual(['c1']); // a rejected row writes nothing, its customer neither
  });

  it('lets a later row take a key an updated site gives up', () => {
    const p = plan([r(2, 'acme', { name: 'Acme', emails: ['a@acme.example'] }, site(['acme.example'])), r(3, 'c2', { name: 'Two' }, site(['www.acme.example']))], {
      existing: new Map([['acme', acme]]),
      holders: new Map([['dom:acme.example', 's-acme'], ['dom:www.acme.example', 's-acme']]),
    });
    expect(p.rejected).toEqual([]);
    expect(p.sites.map((s) => [s.id, s.action])).toEqual([['s-acme', 'update'], ['id-2', 'create']]);
  });

  it('rejects the same site twice and passes rows the reader rejected through, in line order', () => {
    const p = plan([[{ line: 5, field: null, reason: 'bad shape' }], r(2, 'c1', { name: 'One' }, site(['one.example'])), r(3, 'c1', {}, site(['one.example', 'x.example']))]);
    expect(p.rejected.map((x) => [x.line, x.field])).toEqual([[3, 'domains'], [5, null]]);
  });

  it('identifies a site without domains by server and account', () => {
    const existing = new Map([['acme', { ...acme, sites: [{ id: 's-2', domains: [], server: 'web02', accountUser: 'acme', vendorSiteIds: [] }] }]]);
    const p = plan([r(2, 'acme', { name: 'Acme', emails: ['a@acme.example'] }, site([], { server: 'WEB02', accountUser: 'acme', vendorSiteIds: ['v1'] }))], {
      existing, holders: new Map([['acct:web02|acme', 's-2']]),
    });
    expect(p.sites.map((s) => [s.id, s.action])).toEqual([['s-2', 'update']]);
    expect(p.rejected).toEqual([]);
  });
});
