import { reserveSlot } from './send-slots';

const MIN = 60_000;
const reserveMany = (n: number, now: number, limit: number, start: number[] = []) => {
  let log = start;
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = reserveSlot(log, now, limit, MIN);
    at.push(r.at);
    log = r.log;
  }
  return { at, log };
};

describe('reserveSlot', () => {
  it('lets the first `limit` of a burst go now and gives the rest a window later each', () => {
    expect(reserveMany(7, 0, 3).at).toEqual([0, 0, 0, MIN, MIN, MIN, 2 * MIN]);
  });

  it('never puts more than `limit` slots in any window', () => {
    const { at } = reserveMany(50, 1000, 6);
    for (const start of at) expect(at.filter((t) => t >= start && t < start + MIN).length).toBeLessThanOrEqual(6);
  });

  it('spaces sends that trickle in: the 4th waits for the 1st to leave the window', () => {
    let log: number[] = [];
    const got: number[] = [];
    for (const now of [0, 10_000, 20_000, 30_000, 65_000]) {
      const r = reserveSlot(log, now, 3, MIN);
      got.push(r.at);
      log = r.log;
    }
    expect(got).toEqual([0, 10_000, 20_000, MIN, 70_000]);
  });

  it('forgets slots a window old, and keeps at most `limit`', () => {
    expect(reserveSlot([0, 1, 2], MIN + 5, 3, MIN)).toEqual({ at: MIN + 5, log: [MIN + 5] });
    expect(reserveSlot([10, 20, 30, 40], 50, 2, MIN)).toEqual({ at: MIN + 30, log: [40, MIN + 30] });
  });

  it('keeps slots in order when the limit is lowered', () => {
    const { log } = reserveMany(6, 0, 6);
    const r = reserveSlot(log, 1, 2, MIN);
    expect(r.at).toBe(MIN);
  });
});
