import { EMPTY_GATE, gate, GateState } from './firing-gate';
import { thresholdStep } from './threshold-crossing';
import { detectTransition, STATES, Transition, TransitionMemory, wanted } from './transition-detection';
import type { RuleTrigger } from './rule-definition';

// One matching event as the decisions see it.
export interface Match {
  eventId: string;
  at: number; // occurred_at, ms: decisions run in event time, so a replay (dry-run) decides as ingestion did
  rank: number; // severity rank
}

// What to do with one rule and group after a batch of its matches, decided in event time by the pure functions and
// applied by the live writer (RuleFiringWriter) or collected by the dry-run.
export type Effect =
  | { kind: 'fire'; at: number; incident: string; matches: Match[]; suppressed: number; data: Record<string, unknown> }
  | { kind: 'open'; at: number; flushAt: number; incident: string; matches: Match[]; suppressed: number; data?: Record<string, unknown> } // first of a burst
  | { kind: 'join'; matches: Match[] } // into the group already collecting
  | { kind: 'suppress'; count: number };

export interface GroupMemory {
  gate: GateState;
  armed: boolean;
  transition: TransitionMemory | null;
}

export interface RuleTiming {
  cooldownSeconds: number;
  groupWindowSeconds: number;
}

// Event trigger: each match goes through the gate in time order; a burst is one firing, the cooldown suppresses.
export function decideEvents(m: GroupMemory, matches: readonly Match[], timing: RuleTiming): { memory: GroupMemory; effects: Effect[] } {
  return gated(m, matches, timing, (x) => ({ incident: `event:${x.eventId}`, data: {} }));
}

// Matches through the gate in time order: a burst within the group window is one firing (opened by its first match),
// the cooldown suppresses and counts. `firing` names the incident and data of a firing that a match starts.
function gated(m: GroupMemory, matches: readonly Match[], timing: RuleTiming, firing: (first: Match) => { incident: string; data: Record<string, unknown> }): { memory: GroupMemory; effects: Effect[] } {
  const effects: Effect[] = [];
  let g = m.gate;
  const windowMs = timing.groupWindowSeconds * 1000;
  for (const x of matches) {
    // A group whose window ended before this match is over (its flush job may not have run yet): the cooldown runs
    // from the window's end, as the flush sets it, so live and dry-run decide alike.
    if (g.openUntil !== null && x.at >= g.openUntil) g = closeGroup({ ...m, gate: g }, g.openUntil, timing.cooldownSeconds).gate;
    const { state, decision } = gate(g, x.at, windowMs);
    switch (decision.kind) {
      case 'fire':
        effects.push({ kind: 'fire', at: x.at, ...firing(x), matches: [x], suppressed: decision.suppressed });
        g = { ...state, cooldownUntil: timing.cooldownSeconds > 0 ? x.at + timing.cooldownSeconds * 1000 : null };
        break;
      case 'open':
        effects.push({ kind: 'open', at: x.at, flushAt: decision.flushAt, ...firing(x), matches: [x], suppressed: g.suppressed });
        g = { ...state, suppressed: 0 };
        break;
      case 'join': {
        const last = effects[effects.length - 1];
        if (last && (last.kind === 'open' || last.kind === 'join')) last.matches.push(x);
        else effects.push({ kind: 'join', matches: [x] });
        g = state;
        break;
      }
      case 'suppress': {
        const last = effects[effects.length - 1];
        if (last?.kind === 'suppress') last.count++;
        else effects.push({ kind: 'suppress', count: 1 });
        g = state;
        break;
      }
    }
  }
  return { memory: { ...m, gate: g }, effects };
}

// A group window that has ended: the cooldown runs from its end (the delivery went out then).
export function closeGroup(m: GroupMemory, flushAt: number, cooldownSeconds: number): GroupMemory {
  return { ...m, gate: { ...m.gate, openUntil: null, openCount: 0, cooldownUntil: cooldownSeconds > 0 ? flushAt + cooldownSeconds * 1000 : m.gate.cooldownUntil } };
}

// Threshold trigger: `before` counted in the window ending at the batch's last match, without the batch; a crossing is
// one firing (no group window: it is one incident already), subject to the cooldown.
export function decideThreshold(m: GroupMemory, matches: readonly Match[], before: number, after: number, trigger: Extract<RuleTrigger, { type: 'threshold' }>, timing: RuleTiming, group: string): { memory: GroupMemory; effects: Effect[] } {
  const step = thresholdStep(m.armed, before, after, trigger.count);
  if (!step.fire) return { memory: { ...m, armed: step.armed }, effects: [] };
  const at = matches[matches.length - 1].at;
  const { state, decision } = gate(m.gate, at, 0);
  if (decision.kind === 'suppress') return { memory: { ...m, armed: step.armed, gate: state }, effects: [{ kind: 'suppress', count: 1 }] };
  const suppressed = decision.kind === 'fire' ? decision.suppressed : 0;
  const cooldownUntil = timing.cooldownSeconds > 0 ? at + timing.cooldownSeconds * 1000 : null;
  return {
    memory: { ...m, armed: step.armed, gate: { ...state, suppressed: 0, cooldownUntil } },
    effects: [{ kind: 'fire', at, incident: `${group}@${new Date(at).toISOString()}`, matches: [...matches], suppressed, data: { count: after, threshold: trigger.count, windowSeconds: trigger.windowSeconds } }],
  };
}

// Transition trigger: a change of state fires (every change the rule asked for; no grouping, no cooldown: a recovery
// must not be swallowed, and changes are rare by nature). With `updates`, matching events that leave an open incident
// where it is (another detection on the infected site, a cleanup that leaves other threats) are updates of that same
// incident: grouped by the group window and held by the cooldown like an event rule's firings, so a burst on an
// infected site is one update. A steady state without new events decides nothing.
export function decideTransition(m: GroupMemory, next: string, at: number, trigger: Extract<RuleTrigger, { type: 'transition' }>, group: string, matches: readonly Match[], timing: RuleTiming): { memory: GroupMemory; effects: Effect[]; change: Transition | null } {
  const { memory, change } = detectTransition(trigger.state, m.transition, next, new Date(at), group);
  // A change starts the updates afresh: a group still collecting goes out at its window's end with what it has, and
  // nothing of the next incident joins it or inherits its cooldown or suppressed count.
  const out = { ...m, transition: memory, gate: change ? EMPTY_GATE : m.gate };
  if (!change) {
    const incident = memory.state === STATES[trigger.state].bad ? memory.incident : null;
    if (!trigger.updates || !incident || !matches.length) return { memory: out, effects: [], change };
    const data = { state: trigger.state, from: memory.state, to: memory.state, update: true };
    return { ...gated(out, matches, timing, () => ({ incident, data })), change };
  }
  if (!wanted(trigger.to, change)) return { memory: out, effects: [], change };
  return {
    memory: out, change,
    effects: [{ kind: 'fire', at, incident: change.incident, matches: [...matches], suppressed: 0, data: { state: trigger.state, from: change.from, to: change.to, opens: change.opens } }],
  };
}

// What sets a firing's dedupe key apart from the others of its incident: a transition's opening and its recovery by
// the state reached, an update by its first event (each update is its own firing, never the opening's or another's).
export function firingKeySuffix(data: Record<string, unknown>, matches: readonly Match[]): string {
  if (data.update === true) return `>update:${matches[0]?.eventId ?? ''}`;
  return typeof data.to === 'string' ? `>${data.to}` : '';
}
