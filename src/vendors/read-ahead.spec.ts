import { readAhead } from './read-ahead';

describe('readAhead', () => {
  it('yields everything in order and fetches the next item during the consumer’s work', async () => {
    const log: string[] = [];
    async function* src() {
      for (let i = 0; i < 3; i++) {
        log.push(`fetch ${i}`);
        yield i;
      }
    }
    const out: number[] = [];
    for await (const v of readAhead(src())) {
      log.push(`use ${v}`);
      out.push(v);
    }
    expect(out).toEqual([0, 1, 2]);
    expect(log.indexOf('fetch 1')).toBeLessThan(log.indexOf('use 0'));
  });

  it('passes the source’s error on and closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* failing() {
      yield 1;
      throw new Error('vendor 503');
    }
    await expect((async () => { for await (const _ of readAhead(failing())) void _; })()).rejects.toThrow('vendor 503');
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const v of readAhead(endless())) if (v === 2) break;
    expect(closed).toBe(true);
  });

  it('holds up to `depth` items ahead, never more, and keeps their order', async () => {
    let fetched = 0;
    async function* src() {
      for (let i = 0; i < 10; i++) {
        fetched++;
        yield i;
      }
    }
    const out: number[] = [];
    const aheadSeen: number[] = [];
    for await (const v of readAhead(src(), 3)) {
      await new Promise((r) => setTimeout(r, 5)); // the consumer's database time
      aheadSeen.push(fetched - (v + 1));
      out.push(v);
    }
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Math.max(...aheadSeen)).toBe(3);
  });
});
