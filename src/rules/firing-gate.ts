import { GROUP_LIST_LIMIT } from './rule-definition';

// What happens to one match of a rule and group, and when its delivery goes out: a burst within the group window
// becomes one delivery (opened by its first match, flushed at the window's end), a cooldown after a firing suppresses
// repeats and counts them for the next firing. Kept per rule and group (rule_groups), read and written under a row lock.
export interface GateState {
  cooldownUntil: number | null; // ms
  suppressed: number; // matches suppressed since the last firing
  openUntil: number | null; // ms: the group window in progress ends (and flushes) then
  openCount: number; // matches in the open group
}

export const EMPTY_GATE: GateState = { cooldownUntil: null, suppressed: 0, openUntil: null, openCount: 0 };

export type GateDecision =
  | { kind: 'fire'; suppressed: number } // send now (no group window), reporting what the cooldown held back
  | { kind: 'open'; flushAt: number } // first of a burst: a delivery goes out at flushAt with what joins until then
  | { kind: 'join' } // joins the open group
  | { kind: 'suppress' }; // in cooldown

export function gate(s: GateState, at: number, windowMs: number): { state: GateState; decision: GateDecision } {
  if (s.openUntil !== null && at < s.openUntil) return { state: { ...s, openCount: s.openCount + 1 }, decision: { kind: 'join' } };
  if (s.cooldownUntil !== null && at < s.cooldownUntil) return { state: { ...s, suppressed: s.suppressed + 1 }, decision: { kind: 'suppress' } };
  if (windowMs <= 0) return { state: { ...s, suppressed: 0 }, decision: { kind: 'fire', suppressed: s.suppressed } };
  return { state: { ...s, openUntil: at + windowMs, openCount: 1 }, decision: { kind: 'open', flushAt: at + windowMs } };
}

// After a firing (immediate, or a group flushed): the cooldown runs from the firing.
export function afterFiring(firedAt: number, cooldownMs: number): GateState {
  return { cooldownUntil: cooldownMs > 0 ? firedAt + cooldownMs : null, suppressed: 0, openUntil: null, openCount: 0 };
}

// What a flushed group reports: the suppressed count it carries, and then it is closed.
export function flush(s: GateState, at: number, cooldownMs: number): { state: GateState; suppressed: number; count: number } {
  return { state: afterFiring(at, cooldownMs), suppressed: s.suppressed, count: s.openCount };
}

// A delivery lists up to 50 events, then "and N more".
export function listEvents<T>(events: readonly T[], total = events.length, limit = GROUP_LIST_LIMIT): { events: T[]; more: number } {
  const shown = events.slice(0, limit);
  return { events: shown, more: Math.max(0, total - shown.length) };
}
