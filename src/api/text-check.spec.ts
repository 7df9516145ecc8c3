import { findInvalidText, jsonDepthExceeds, textProblem } from './text-check';

describe('textProblem', () => {
  it('names a NUL and an unpaired surrogate, and passes any other text', () => {
    expect(textProblem('A\u0000B')).toContain('NUL character');
    expect(textProblem('A\ud800B')).toContain('unpaired UTF-16 surrogate');
    expect(textProblem('x\udc00')).toContain('unpaired');
    expect(textProblem('emoji 😀, ümlaut, \u0001, \uffff')).toBeNull();
  });
});

describe('findInvalidText', () => {
  it('names the path of the first bad string', () => {
    expect(findInvalidText({ name: 'A\u0000B' })).toEqual({ field: 'name', message: expect.stringMatching(/^name contains a NUL/) });
    expect(findInvalidText({ sites: [{ domains: ['ok.example', 'x\u0000'] }] })?.field).toBe('sites[0].domains[1]');
    expect(findInvalidText({ a: 'ok', b: { c: [1, true, null, 'bad\ud800'] } })?.field).toBe('b.c[3]');
    expect(findInvalidText(['ok', 'x\u0000'])?.field).toBe('[1]');
    expect(findInvalidText('x\u0000')?.field).toBe('body');
  });

  it('checks field names too, and writes a bad one without the NUL', () => {
    const p = findInvalidText({ raw: { 'pa\u0000th': 1 } });
    expect(p?.field).toBe('raw.pa\\u0000th');
    expect(p?.message).not.toContain('\u0000');
  });

  it('finds nothing in clean values', () => {
    expect(findInvalidText({ name: 'Acme', n: 1, list: ['a', { b: 'c' }], none: null })).toBeNull();
  });

  it('walks any depth without recursion', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findInvalidText(deep)?.field).toBe('[0]'.repeat(100_000));
  });
});

describe('jsonDepthExceeds', () => {
  it('counts nesting of arrays and objects, not brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":[[1]]}', 3)).toBe(false);
    expect(jsonDepthExceeds('{"a":[[[1]]]}', 3)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[[[{{{{{', t: 'a\\"[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds('[[],[],[],[]]', 2)).toBe(false);
    // a string that ends in an escaped backslash ends there: the brackets after it count
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\', b: [[1]] }), 2)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\', b: [[1]] }), 3)).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: 'x\\"[[[' }), 1)).toBe(false);
  });

  it('stops at 64 by default: 10,000 levels are too deep, 64 are not', () => {
    expect(jsonDepthExceeds('['.repeat(10_000) + ']'.repeat(10_000))).toBe(true);
    expect(jsonDepthExceeds('['.repeat(64) + ']'.repeat(64))).toBe(false);
    expect(jsonDepthExceeds('['.repeat(65) + ']'.repeat(65))).toBe(true);
  });
});
