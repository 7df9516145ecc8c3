import { JsonField, rowJsonSql, stitchRow } from './json-page';

// What PostgreSQL's row_to_json() writes for a run of fields: compact, keys in order (as JSON.stringify).
const rowToJson = (o: Record<string, unknown>) => JSON.stringify(o);

describe('json-page: a row stitched from row_to_json() runs and jsonb text', () => {
  const cases: { name: string; fields: JsonField[]; value: Record<string, unknown>; jsonb: Record<string, string | null> }[] = [
    { name: 'no jsonb', fields: [['id', 'x.id', 'json'], ['at', 'x.at', 'time']], value: { id: 'a', at: '2026-01-01T00:00:00.000Z' }, jsonb: {} },
    {
      name: 'jsonb first, two in a row, and last',
      fields: [['p', 'x.p', 'jsonb'], ['q', 'x.q', 'jsonb'], ['id', 'x.id', 'json'], ['r', 'x.r', 'jsonb']],
      value: { p: { '2': 1, b: [1.5, null] }, q: null, id: 'é"\\', r: { z: 1, a: {} } },
      jsonb: { p: '{"2": 1, "b": [1.50, null]}', q: null, r: '{"a": {}, "z": 1}' },
    },
  ];
  it.each(cases)('$name: the bytes of JSON.stringify(row)', ({ fields, value, jsonb }) => {
    const { runs } = rowJsonSql(fields);
    // The row as the statement returns it: gN = row_to_json of run N's fields, jN = the jsonb text after run N.
    const row: Record<string, string | null> = {};
    runs.forEach((r, i) => {
      if (r.keys.length) row[`g${i}`] = rowToJson(Object.fromEntries(r.keys.map((k) => [k, value[k]])));
      if (r.jsonbKey) row[`j${i}`] = jsonb[r.jsonbKey];
    });
    const expected = JSON.stringify(Object.fromEntries(fields.map(([k]) => [k, jsonb[k] === undefined ? value[k] : jsonb[k] === null ? null : JSON.parse(jsonb[k]!)])));
    expect(stitchRow(row, runs)).toBe(expected);
  });
});
