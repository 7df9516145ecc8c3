import { EMPTY_GATE } from './firing-gate';
import { closeGroup, decideTransition, Effect, firingKeySuffix, GroupMemory, Match } from './group-decisions';
import type { RuleTrigger } from './rule-definition';

type Transition = Extract<RuleTrigger, { type: 'transition' }>;
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const SEC = 1000;
const m = (id: string, s: number): Match => ({ eventId: id, at: T0 + s * SEC, rank: 3 });
const fresh: GroupMemory = { gate: EMPTY_GATE, armed: true, transition: null };
const infection = (updates?: boolean): Transition => ({ type: 'transition', state: 'infection', rollup: 'site', ...(updates ? { updates } : {}) });
const timing = (groupWindowSeconds: number, cooldownSeconds = 0) => ({ groupWindowSeconds, cooldownSeconds });
const brief = (fx: Effect[]) => fx.map((f) => (f.kind === 'suppress' ? ['suppress', f.count] : [f.kind, f.matches.map((x) => x.eventId).join(','), 'incident' in f ? f.incident : null, 'data' in f ? f.data : null]));

// Runs the decisions as the live evaluator and the dry-run do: one call per batch, closing a group window when it ends.
function open(trigger: Transition, t = timing(60)) {
  return decideTransition(fresh, 'infected', T0, trigger, 's1', [m('1', 0)], t);
}

describe('decideTransition with updates', () => {
  const incident = 's1@2026-12-01T10:00:00.000Z';
  const update = { state: 'infection', from: 'infected', to: 'infected', update: true };

  it('opens the incident on the change, then fires further events on the infected site as updates of the SAME incident', () => {
    const first = open(infection(true), timing(0));
    expect(brief(first.effects)).toEqual([['fire', '1', incident, { state: 'infection', from: 'clean', to: 'infected', opens: true }]]);
    const more = decideTransition(first.memory, 'infected', T0 + 600 * SEC, infection(true), 's1', [m('2', 600)], timing(0));
    expect(more.change).toBeNull();
    expect(brief(more.effects)).toEqual([['fire', '2', incident, update]]);
    const clean = decideTransition(more.memory, 'clean', T0 + 900 * SEC, infection(true), 's1', [m('3', 900)], timing(0));
    expect(brief(clean.effects)).toEqual([['fire', '3', incident, { state: 'infection', from: 'infected', to: 'clean', opens: false }]]);
  });

  it('groups a burst of 50 detections on the infected site into one update (the group window), the next burst into another', () => {
    const first = open(infection(true));
    const burst = Array.from({ length: 50 }, (_, i) => m(String(100 + i), 300 + i / 2));
    const one = decideTransition(first.memory, 'infected', burst[49].at, infection(true), 's1', burst, timing(60));
    expect(one.effects.map((f) => f.kind)).toEqual(['open']);
    expect(one.effects[0]).toMatchObject({ incident, flushAt: T0 + 360 * SEC, data: update });
    expect((one.effects[0] as { matches: Match[] }).matches).toHaveLength(50);
    const later = decideTransition(one.memory, 'infected', T0 + 1000 * SEC, infection(true), 's1', [m('200', 1000)], timing(60));
    expect(brief(later.effects)).toEqual([['open', '200', incident, update]]);
  });

  it('holds updates back by the cooldown and counts them on the next one', () => {
    const first = open(infection(true), timing(0, 3600));
    const a = decideTransition(first.memory, 'infected', T0 + 60 * SEC, infection(true), 's1', [m('2', 60)], timing(0, 3600));
    const b = decideTransition(a.memory, 'infected', T0 + 120 * SEC, infection(true), 's1', [m('3', 120), m('4', 121)], timing(0, 3600));
    const c = decideTransition(b.memory, 'infected', T0 + 4000 * SEC, infection(true), 's1', [m('5', 4000)], timing(0, 3600));
    expect(brief(a.effects)).toEqual([['fire', '2', incident, update]]);
    expect(brief(b.effects)).toEqual([['suppress', 2]]);
    expect(c.effects).toEqual([expect.objectContaining({ kind: 'fire', suppressed: 2 })]);
    // the next incident's updates start afresh: no cooldown or suppressed count carried over from this one
    const d = decideTransition(b.memory, 'clean', T0 + 200 * SEC, infection(true), 's1', [m('6', 200)], timing(0, 3600));
    const e = decideTransition(d.memory, 'infected', T0 + 300 * SEC, infection(true), 's1', [m('7', 300)], timing(0, 3600));
    const f = decideTransition(e.memory, 'infected', T0 + 400 * SEC, infection(true), 's1', [m('8', 400)], timing(0, 3600));
    expect(f.effects).toEqual([expect.objectContaining({ kind: 'fire', incident: 's1@2026-12-01T10:05:00.000Z', suppressed: 0 })]);
  });

  it('sends nothing for a steady state without new events, in a clean steady state, or without updates: true', () => {
    const first = open(infection(true));
    expect(decideTransition(first.memory, 'infected', T0 + 600 * SEC, infection(true), 's1', [], timing(60)).effects).toEqual([]);
    expect(decideTransition(fresh, 'clean', T0, infection(true), 's1', [m('9', 0)], timing(60)).effects).toEqual([]);
    const plain = open(infection());
    expect(decideTransition(plain.memory, 'infected', T0 + 600 * SEC, infection(), 's1', [m('2', 600)], timing(60)).effects).toEqual([]);
  });

  it('ends an update group still collecting when the incident changes, so the next incident never joins it', () => {
    const first = open(infection(true));
    const one = decideTransition(first.memory, 'infected', T0 + 100 * SEC, infection(true), 's1', [m('2', 100)], timing(60));
    expect(one.memory.gate.openUntil).toBe(T0 + 160 * SEC);
    const clean = decideTransition(one.memory, 'clean', T0 + 110 * SEC, infection(true), 's1', [m('3', 110)], timing(60));
    expect(clean.memory.gate.openUntil).toBeNull();
    const again = decideTransition(clean.memory, 'infected', T0 + 120 * SEC, infection(true), 's1', [m('4', 120)], timing(60));
    const next = decideTransition(again.memory, 'infected', T0 + 130 * SEC, infection(true), 's1', [m('5', 130)], timing(60));
    expect(brief(next.effects)).toEqual([['open', '5', 's1@2026-12-01T10:02:00.000Z', update]]);
  });

  it('keys an update by its first event, apart from the opening and the recovery of its incident', () => {
    expect(firingKeySuffix(update, [m('42', 0), m('43', 1)])).toBe('>update:42');
    expect(firingKeySuffix({ from: 'clean', to: 'infected', opens: true }, [m('1', 0)])).toBe('>infected');
    expect(firingKeySuffix({ from: 'infected', to: 'clean', opens: false }, [m('2', 0)])).toBe('>clean');
    expect(firingKeySuffix({}, [m('3', 0)])).toBe('');
  });

  it('runs the cooldown of an ended group from its end, as the flush does', () => {
    expect(closeGroup({ ...fresh, gate: { ...EMPTY_GATE, openUntil: T0 } }, T0, 60).gate).toMatchObject({ openUntil: null, cooldownUntil: T0 + 60 * SEC });
  });
});
