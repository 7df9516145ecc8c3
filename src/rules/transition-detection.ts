import { CLEANING_KINDS, OPEN_KINDS } from '../events/threat-sql';
import type { TransitionState } from './rule-definition';

// The states a site (or a customer, rolled up over its sites) moves between, and which of them opens an incident.
export const STATES: Record<TransitionState, { initial: string; bad: string }> = {
  infection: { initial: 'clean', bad: 'infected' },
  protection: { initial: 'protected', bad: 'unprotected' },
  agent: { initial: 'reporting', bad: 'stale' },
};

// A threat is a file path, process or threat name on a site (as threat-sql.ts counts them): a detection or a restore
// leaves it open, a cleanup, quarantine, deletion, kill or block closes it. A site is infected while any is open.
export function threatIdent(e: { filePath: string | null; process: string | null; threatName: string | null }): string {
  return e.filePath ?? e.process ?? e.threatName ?? '';
}

// The open threats of a site after one event (mutates and returns `open`); null when the event says nothing of them.
export function applyThreatEvent(open: Set<string>, e: { kind: string; filePath: string | null; process: string | null; threatName: string | null }): Set<string> | null {
  if (OPEN_KINDS.includes(e.kind)) open.add(threatIdent(e));
  else if (CLEANING_KINDS.includes(e.kind)) open.delete(threatIdent(e));
  else return null;
  return open;
}

export const infectionOf = (openThreats: number): string => (openThreats > 0 ? 'infected' : 'clean');

// A protection change as the digest reads it (SITE_PROTECTION_JOIN_SQL): off/disabled/none is unprotected, a
// monitoring mode partial, anything else protected. Only "off" is a loss of protection worth a message: a monitoring
// mode is a choice the operator made, shown as partial in the digest.
export function protectionOf(e: { vendorType?: string; raw?: unknown }): string {
  const raw = (e.raw ?? {}) as { mode?: unknown; data?: { mode?: unknown } };
  const mode = String(raw.data?.mode ?? raw.mode ?? '').toLowerCase();
  if (['off', 'disabled', 'none'].includes(mode)) return 'unprotected';
  if (/(disabled|off)$/i.test(e.vendorType ?? '')) return 'unprotected';
  return 'protected';
}

export function agentStateOf(lastSeenAt: Date, now: Date, staleHours: number): string {
  return now.getTime() - lastSeenAt.getTime() >= staleHours * 3_600_000 ? 'stale' : 'reporting';
}

// A customer is in the bad state while any of its sites is.
export function rollUp(state: TransitionState, siteStates: readonly string[]): string {
  return siteStates.includes(STATES[state].bad) ? STATES[state].bad : STATES[state].initial;
}

export interface Transition {
  from: string;
  to: string;
  incident: string; // the incident this change opens, or the one a recovery closes
  opens: boolean;
}

export interface TransitionMemory {
  state: string;
  incident: string | null; // the open incident while in the bad state
}

// Only changes fire, never a steady state. Entering the bad state opens an incident (named by the group and the
// moment); leaving it names the incident it closes.
export function detectTransition(kind: TransitionState, prev: TransitionMemory | null, next: string, at: Date, group: string): { memory: TransitionMemory; change: Transition | null } {
  const from = prev?.state ?? STATES[kind].initial;
  if (from === next) return { memory: prev ?? { state: next, incident: null }, change: null };
  if (next === STATES[kind].bad) {
    const incident = `${group}@${at.toISOString()}`;
    return { memory: { state: next, incident }, change: { from, to: next, incident, opens: true } };
  }
  const incident = prev?.incident ?? `${group}@${at.toISOString()}`;
  return { memory: { state: next, incident: null }, change: { from, to: next, incident, opens: false } };
}

// Whether a change is one the rule asked for (`to` absent: every change).
export const wanted = (to: readonly string[] | undefined, change: Transition): boolean => !to?.length || to.includes(change.to);
