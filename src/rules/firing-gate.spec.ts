import { EMPTY_GATE, flush, gate, GateState, listEvents } from './firing-gate';

const S = 1000;

describe('gate', () => {
  it('groups matches within the window into one firing that goes out at its end', () => {
    let s: GateState = EMPTY_GATE;
    const d1 = gate(s, 0, 60 * S);
    expect(d1.decision).toEqual({ kind: 'open', flushAt: 60 * S });
    s = d1.state;
    for (let i = 1; i < 500; i++) {
      const d = gate(s, i * 10, 60 * S);
      expect(d.decision.kind).toBe('join');
      s = d.state;
    }
    const f = flush(s, 60 * S, 0);
    expect([f.count, f.suppressed]).toEqual([500, 0]);
    // after the flush, the next match opens a new group
    expect(gate(f.state, 61 * S, 60 * S).decision.kind).toBe('open');
  });

  it('suppresses matches during the cooldown and reports how many on the next firing', () => {
    let s = flush(gate(EMPTY_GATE, 0, 0).state, 0, 3600 * S).state;
    for (const t of [10, 20, 30]) {
      const d = gate(s, t * S, 0);
      expect(d.decision.kind).toBe('suppress');
      s = d.state;
    }
    expect(gate(s, 3600 * S, 0).decision).toEqual({ kind: 'fire', suppressed: 3 });
  });

  it('carries suppressed matches into the next group', () => {
    let s = flush(EMPTY_GATE, 0, 100 * S).state;
    s = gate(s, 50 * S, 60 * S).state;
    s = gate(s, 150 * S, 60 * S).state;
    expect(flush(s, 210 * S, 100 * S).suppressed).toBe(1);
  });

  it('fires each match at once with a group window of 0 and no cooldown', () => {
    const a = gate(EMPTY_GATE, 0, 0);
    expect(a.decision).toEqual({ kind: 'fire', suppressed: 0 });
    expect(gate(flush(a.state, 0, 0).state, 1, 0).decision.kind).toBe('fire');
  });
});

describe('listEvents', () => {
  it('lists up to 50 and counts the rest', () => {
    const r = listEvents(Array.from({ length: 500 }, (_, i) => i));
    expect([r.events.length, r.events[49], r.more]).toEqual([50, 49, 450]);
    expect(listEvents([1, 2], 2)).toEqual({ events: [1, 2], more: 0 });
    expect(listEvents([1, 2], 120)).toEqual({ events: [1, 2], more: 118 });
  });
});
