import { EMPTY_GATE } from './firing-gate';
import { decideEvents, decideThreshold, decideTransition, Effect, GroupMemory, Match } from './group-decisions';
import { maxSeverity, quietHold } from './quiet-hours';
import { GROUP_LIST_LIMIT, RuleSpec, RuleTrigger } from './rule-definition';
import { SEVERITIES } from '../events/normalized-event';
import { groupKey, inWindow } from './threshold-crossing';
import { applyThreatEvent, infectionOf, protectionOf } from './transition-detection';

// A stored event as the replay reads it (matched by the rule's filter in SQL, in time order).
// Columns only a kind of rule reads are absent for the others.
export interface ReplayEvent extends Match {
  customerId: string | null;
  siteId: string | null;
  server: string | null;
  kind: string;
  filePath?: string | null; // infection: the threat's identity (file path, else process, else threat name)
  process?: string | null;
  threatName?: string | null;
  vendorType?: string | null; // protection
  mode?: string | null;
  timeZone?: string | null; // quiet hours: the customer's zone
}

export interface DryRunFiring {
  group: string;
  at: string; // when it fired (event time); a burst: its first event
  sendAt: string; // the end of its group window, or the firing itself
  heldUntil: string | null; // quiet hours would have held it until then
  incident: string;
  eventCount: number;
  eventIds: string[]; // the first 50
  more: number;
  suppressed: number; // what the cooldown held back before it
  data: Record<string, unknown>;
}

const rankName = (rank: number): string | null => (rank > 0 ? SEVERITIES[SEVERITIES.length - 1 - rank] : null);

// The stored events of a range replayed one at a time through the decisions live evaluation uses (group-decisions.ts),
// with no side effects: what would have fired, and what cooldowns and quiet hours would have held. Groups, transition
// states and threshold windows start empty at the start of the range.
export class DryRunReplay {
  private readonly memory = new Map<string, GroupMemory>();
  private readonly open = new Map<string, DryRunFiring>();
  private readonly windows = new Map<string, { times: number[]; head: number }>();
  private readonly threats = new Map<string, Set<string>>();
  private readonly firings: DryRunFiring[] = [];
  private readonly lastSeen = new Map<string, number>(); // agent transitions: the last event per server
  suppressed = 0;
  scanned = 0;

  constructor(private readonly rule: Pick<RuleSpec, 'trigger' | 'cooldownSeconds' | 'groupWindowSeconds' | 'quietHours'>) {}

  add(e: ReplayEvent): void {
    this.scanned++;
    const t = this.rule.trigger;
    const key = this.keyOf(t, e);
    if (key === null) return;
    const m = this.memory.get(key) ?? { gate: EMPTY_GATE, armed: true, transition: null };
    let out: { memory: GroupMemory; effects: Effect[] };
    if (t.type === 'event') out = decideEvents(m, [e], this.rule);
    else if (t.type === 'threshold') {
      const before = this.countBefore(key, e.at, t.windowSeconds * 1000);
      out = decideThreshold(m, [e], before, before + 1, t, this.rule, key);
    } else if (t.type === 'transition') {
      let before = m;
      // An agent silent for staleHours went stale then (as the scheduled sweep dates it), before this sign of life.
      const last = this.lastSeen.get(key);
      if (t.state === 'agent' && last !== undefined && e.at - last >= t.staleHours! * 3_600_000) {
        const stale = decideTransition(m, 'stale', last + t.staleHours! * 3_600_000, t, key, [], this.rule);
        for (const fx of stale.effects) this.apply(key, e, fx);
        before = stale.memory;
      }
      if (t.state === 'agent') this.lastSeen.set(key, Math.max(last ?? e.at, e.at));
      out = decideTransition(before, this.stateAfter(t, key, e), e.at, t, key, [e], this.rule);
    } else return;
    this.memory.set(key, out.memory);
    for (const fx of out.effects) this.apply(key, e, fx);
  }

  // `end`: the end of the range; agents silent for staleHours by then went stale.
  result(end = Infinity): { firings: DryRunFiring[]; suppressed: number; held: number; scanned: number } {
    const t = this.rule.trigger;
    if (t.type === 'transition' && t.state === 'agent') {
      for (const [key, last] of this.lastSeen) {
        const at = last + t.staleHours! * 3_600_000;
        if (at > end) continue;
        const stale = decideTransition(this.memory.get(key)!, 'stale', at, t, key, [], this.rule);
        this.memory.set(key, stale.memory);
        for (const fx of stale.effects) this.apply(key, { eventId: '', at, rank: 0, customerId: null, siteId: null, server: key, kind: '' }, fx);
      }
    }
    const firings = [...this.firings].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { firings, suppressed: this.suppressed, held: firings.filter((f) => f.heldUntil).length, scanned: this.scanned };
  }

  private apply(key: string, e: ReplayEvent, fx: Effect): void {
    if (fx.kind === 'suppress') {
      this.suppressed += fx.count;
      return;
    }
    if (fx.kind === 'join') {
      const f = this.open.get(key);
      if (!f) return;
      for (const x of fx.matches) {
        if (f.eventIds.length < GROUP_LIST_LIMIT) f.eventIds.push(x.eventId);
        else f.more++;
        f.eventCount++;
        this.rankOf.set(f, Math.max(this.rankOf.get(f) ?? 0, x.rank));
      }
      this.hold(f, e.timeZone ?? null);
      return;
    }
    const at = new Date(fx.at).toISOString();
    const sendAt = fx.kind === 'open' ? new Date(fx.flushAt).toISOString() : at;
    const f: DryRunFiring = {
      group: key, at, sendAt, heldUntil: null, incident: fx.incident, eventCount: fx.matches.length,
      eventIds: fx.matches.slice(0, GROUP_LIST_LIMIT).map((x) => x.eventId), more: Math.max(0, fx.matches.length - GROUP_LIST_LIMIT),
      suppressed: fx.suppressed, data: fx.data ?? {},
    };
    this.rankOf.set(f, Math.max(0, ...fx.matches.map((x) => x.rank)));
    this.firings.push(f);
    if (fx.kind === 'open') this.open.set(key, f);
    this.hold(f, e.timeZone ?? null);
  }

  private readonly rankOf = new WeakMap<DryRunFiring, number>();

  private hold(f: DryRunFiring, tz: string | null): void {
    const until = quietHold(this.rule.quietHours, new Date(f.sendAt), tz ?? 'UTC', maxSeverity([rankName(this.rankOf.get(f) ?? 0)]));
    f.heldUntil = until ? until.toISOString() : null;
  }

  private keyOf(t: RuleTrigger, e: ReplayEvent): string | null {
    if (t.type === 'event') return e.customerId ?? 'unmatched';
    if (t.type === 'threshold') return groupKey(t.groupBy, e);
    if (t.type === 'transition') return t.state === 'agent' ? e.server : t.rollup === 'customer' ? e.customerId : e.siteId;
    return null;
  }

  // Matching events of the group still in the window at t, before this one.
  private countBefore(key: string, t: number, windowMs: number): number {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = { times: [], head: 0 }));
    while (w.head < w.times.length && !inWindow(w.times[w.head], t, windowMs)) w.head++;
    if (w.head > 1024 && w.head * 2 > w.times.length) {
      w.times.splice(0, w.head);
      w.head = 0;
    }
    const before = w.times.length - w.head;
    w.times.push(t);
    return before;
  }

  private readonly protection = new Map<string, string>();

  private stateAfter(t: Extract<RuleTrigger, { type: 'transition' }>, key: string, e: ReplayEvent): string {
    if (t.state === 'agent') return 'reporting';
    const site = e.siteId!;
    this.siteCustomer.set(site, e.customerId);
    if (t.state === 'infection') {
      let open = this.threats.get(site);
      if (!open) this.threats.set(site, (open = new Set()));
      applyThreatEvent(open, { kind: e.kind, filePath: e.filePath ?? null, process: e.process ?? null, threatName: e.threatName ?? null });
      if (t.rollup !== 'customer') return infectionOf(open.size);
      return [...this.threats.entries()].some(([s, o]) => o.size > 0 && this.siteCustomer.get(s) === key) || open.size > 0 ? 'infected' : 'clean';
    }
    this.protection.set(site, protectionOf({ vendorType: e.vendorType ?? undefined, raw: { mode: e.mode } }));
    if (t.rollup !== 'customer') return this.protection.get(site)!;
    return [...this.protection.entries()].some(([s, p]) => p === 'unprotected' && this.siteCustomer.get(s) === key) ? 'unprotected' : 'protected';
  }

  private readonly siteCustomer = new Map<string, string | null>();
}
