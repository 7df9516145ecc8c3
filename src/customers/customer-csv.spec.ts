import { parse } from 'csv-parse/sync';
import { CsvRow, ImportRow, neutralize, parseRow, readCsv, Rejection, toCsv, unneutralize } from './customer-csv';

const row = (cells: CsvRow['cells'], line = 2) => parseRow({ line, cells });

describe('readCsv', () => {
  it('numbers rows by the physical line they start on, across quoted line breaks, blank lines and CRLF', () => {
    const text = 'external_ref,name\r\n1,"Acme\r\nBakery\r\nLtd"\r\n\r\n2,Bob\r\n  \r\n3,"Carol ""C"""';
    const file = readCsv(text);
    expect(file.rows.map((r) => [r.line, r.cells.external_ref, r.cells.name])).toEqual([
      [2, '1', 'Acme\nBakery\nLtd'],
      [6, '2', 'Bob'],
      [8, '3', 'Carol "C"'],
    ]);
  });

  it('takes the header case-insensitively and a BOM in front of it', () => {
    expect([...readCsv('\ufeffExternal_Ref, NAME\n1,a').columns]).toEqual(['external_ref', 'name']);
  });

  it('refuses unknown, repeated and missing columns, naming them', () => {
    expect(() => readCsv('external_ref,name,colour,size\n')).toThrow(/"colour", "size"/);
    expect(() => readCsv('external_ref,name,name\n')).toThrow(/"name" appears twice/);
    expect(() => readCsv('external_ref,emails\n')).toThrow(/name/);
    expect(() => readCsv('\n\n')).toThrow(/empty/);
  });

  it('reports a row with the wrong number of fields and keeps the others', () => {
    const file = readCsv('external_ref,name\n1,a,b\n2,b');
    expect(file.rejected).toEqual([{ line: 2, field: null, reason: expect.stringContaining('expected 2 fields') }]);
    expect(file.rows.map((r) => r.line)).toEqual([3]);
  });

  it('refuses a file it cannot parse with the line', () => {
    expect(() => readCsv('external_ref,name\n1,"open\n2,b')).toThrow(/line 3/);
  });
});

describe('parseRow', () => {
  it('normalizes a full row', () => {
    const r = row({ external_ref: ' c-1 ', name: 'Acme', emails: 'a@acme.example; b@acme.example', locale: 'en_gb', time_zone: 'europe/berlin', status: 'Suspended',
      domains: 'https://Acme.example/;www.acme.example', server: 'web02', account_user: 'acme', vendor_site_ids: 's-1' }) as ImportRow;
    expect(r).toEqual({
      line: 2, externalRef: 'c-1',
      customer: { name: 'Acme', emails: ['a@acme.example', 'b@acme.example'], locale: 'en-GB', timeZone: 'Europe/Berlin', status: 'suspended' },
      site: { domains: ['acme.example', 'www.acme.example'], server: 'web02', accountUser: 'acme', vendorSiteIds: ['s-1'] },
    });
  });

  it('leaves blank cells out and has no site when every site cell is blank', () => {
    expect(row({ external_ref: 'c-1', name: '', emails: '', domains: ' ' })).toEqual({ line: 2, externalRef: 'c-1', customer: {}, site: null });
  });

  it('reports every bad cell of the row by column', () => {
    const errors = row({ external_ref: '', name: 'x', emails: 'ok@acme.example;nope', time_zone: 'Mars/Base', status: 'gone', domains: 'bad domain' }, 7) as Rejection[];
    expect(errors.map((e) => [e.line, e.field])).toEqual([[7, 'external_ref'], [7, 'emails'], [7, 'time_zone'], [7, 'status'], [7, 'domains']]);
    expect(errors[1].reason).toContain('"nope"');
  });

  it('rejects a cell with a NUL character by its column, before anything else of the row', () => {
    expect(row({ external_ref: 'c-1', name: 'A\u0000B', time_zone: 'Mars/Base' }, 4)).toEqual([
      { line: 4, field: 'name', reason: expect.stringContaining('NUL character') },
    ]);
  });

  it('refuses a site that nothing could match', () => {
    expect(row({ external_ref: 'c-1', name: 'x', server: 'web02' })).toEqual([{ line: 2, field: 'account_user', reason: expect.stringContaining('a site needs') }]);
  });
});

describe('toCsv', () => {
  it('writes the import columns, quoting what needs it, so that it reads back the same', () => {
    const text = toCsv([
      { externalRef: 'c-1', name: 'Acme, "the" bakery\nLtd', emails: ['a@acme.example', 'b@acme.example'], locale: 'en', timeZone: 'UTC', status: 'active',
        site: { domains: ['acme.example'], server: 'web02', accountUser: 'acme', vendorSiteIds: [] } },
      { externalRef: 'c-2', name: 'Bob', emails: [], locale: 'de', timeZone: 'Europe/Berlin', status: 'closed', site: null },
    ]);
    expect(text.split('\r\n')[0]).toBe('external_ref,name,emails,locale,time_zone,status,domains,server,account_user,vendor_site_ids');
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back[0]).toMatchObject({ name: 'Acme, "the" bakery\nLtd', emails: 'a@acme.example;b@acme.example', domains: 'acme.example', server: 'web02' });
    expect(back[1]).toMatchObject({ external_ref: 'c-2', domains: '', status: 'closed' });
    expect(readCsv(text).rows.map((r) => r.line)).toEqual([2, 4]);
  });
});

describe('formula neutralization (OWASP CSV injection)', () => {
  const risky = ['=1+1', '+49 30 1234', '-5', '@SUM(A1:A2)', '\tx', '\rx', "'=1+1", "''=x", "'", "'plain", 'plain', ''];

  it('puts a single quote before a cell a spreadsheet would evaluate, and before one that starts with a quote', () => {
    expect(risky.map(neutralize)).toEqual(["'=1+1", "'+49 30 1234", "'-5", "'@SUM(A1:A2)", "'\tx", "'\rx", "''=1+1", "'''=x", "''", "''plain", 'plain', '']);
  });

  it('takes exactly that quote off again, and leaves any other quote alone', () => {
    expect(risky.map((v) => unneutralize(neutralize(v)))).toEqual(risky);
    expect(["'plain", "'", 'x=1'].map(unneutralize)).toEqual(["'plain", "'", 'x=1']);
  });

  it('writes no cell that starts with a formula character, and reads the file back as it was', () => {
    const text = toCsv([
      { externalRef: '=HYPERLINK("http://evil.example","x")', name: "'=not a formula", emails: ['+tag@acme.example'], locale: 'en', timeZone: 'UTC', status: 'active',
        site: { domains: ['acme.example'], server: '-web', accountUser: '@acme', vendorSiteIds: ['=1', 's-2'] } },
    ]);
    const cells = (parse(text, { columns: false }) as string[][])[1];
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells.slice(0, 3)).toEqual(['\'=HYPERLINK("http://evil.example","x")', "''=not a formula", "'+tag@acme.example"]);
    expect(readCsv(text).rows[0].cells).toMatchObject({
      external_ref: '=HYPERLINK("http://evil.example","x")', name: "'=not a formula", emails: '+tag@acme.example', server: '-web', account_user: '@acme', vendor_site_ids: '=1;s-2',
    });
  });
});
