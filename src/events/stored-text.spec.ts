import { jsonbSafe, textProblem } from './stored-text';

describe('textProblem', () => {
  it.each(['plain', '/home/bob/x.php', 'émoji 😀 ok', '', 'back\\slash'])('accepts %j', (s) => expect(textProblem(s)).toBeNull());

  it.each([
    ['a\u0000b', /NUL/],
    ['\u0000', /NUL/],
    ['a\ud800b', /surrogate/],
    ['a\udc00', /surrogate/],
    ['\ude00\ud83d', /surrogate/], // a pair in the wrong order is two unpaired halves
    ['caf\ufffd', /UTF-8/],
  ])('refuses %j', (s, reason) => expect(textProblem(s)).toMatch(reason));
});

describe('jsonbSafe', () => {
  const roundTrip = (value: unknown) => JSON.parse(jsonbSafe(JSON.stringify(value)));

  it('leaves JSON without such characters as it is', () => {
    const json = JSON.stringify({ a: 'x', b: ['\\u0000 as text', '😀'], c: '\u0001' });
    expect(jsonbSafe(json)).toBe(json);
  });

  it('writes NUL and unpaired surrogates out as text, in values and keys, at any depth', () => {
    expect(roundTrip({ 'k\u0000': ['a\u0000b', { c: 'x\ud800y', d: '\udfff' }] })).toEqual({ 'k\\u0000': ['a\\u0000b', { c: 'x\\ud800y', d: '\\udfff' }] });
  });

  it('keeps surrogate pairs and a literal backslash before the escape', () => {
    expect(roundTrip({ a: '😀', b: '\\\u0000', c: '\\\\u0000' })).toEqual({ a: '😀', b: '\\\\u0000', c: '\\\\u0000' });
  });

  it('produces nothing PostgreSQL jsonb would refuse', () => {
    const out = jsonbSafe(JSON.stringify({ a: '\u0000\u0000\ud800\udbff\\\u0000' }));
    expect(out).not.toMatch(/(?<!\\)(?:\\\\)*\\u(0000|d[89a-f])/);
  });
});
