import { agentStateOf, applyThreatEvent, detectTransition, infectionOf, protectionOf, rollUp, wanted } from './transition-detection';

const t = (kind: string, filePath: string | null = '/a.php') => ({ kind, filePath, process: null, threatName: null });
const at = new Date('2026-12-01T10:00:00Z');

describe('site infection', () => {
  it('is infected while a detected threat is open and clean once every one is cleaned, quarantined or deleted', () => {
    const open = new Set<string>();
    expect(infectionOf(applyThreatEvent(open, t('detection', '/a.php'))!.size)).toBe('infected');
    applyThreatEvent(open, t('detection', '/b.php'));
    expect(infectionOf(applyThreatEvent(open, t('cleanup', '/a.php'))!.size)).toBe('infected');
    expect(infectionOf(applyThreatEvent(open, t('quarantine', '/b.php'))!.size)).toBe('clean');
    applyThreatEvent(open, t('file_restored', '/b.php'));
    expect(infectionOf(applyThreatEvent(open, t('file_deleted', '/b.php'))!.size)).toBe('clean');
  });

  it('ignores events that say nothing of threats', () => {
    expect(applyThreatEvent(new Set(), t('protection_changed'))).toBeNull();
  });
});

describe('protection and agents', () => {
  it('reads a protection change as the digest does: off is unprotected, a monitoring mode still protected', () => {
    expect(protectionOf({ raw: { data: { mode: 'off' } } })).toBe('unprotected');
    expect(protectionOf({ vendorType: 'protection_disabled', raw: {} })).toBe('unprotected');
    expect(protectionOf({ raw: { mode: 'insights' } })).toBe('protected');
    expect(protectionOf({ raw: { mode: 'protect' } })).toBe('protected');
  });

  it('calls an agent stale after N hours of silence', () => {
    expect(agentStateOf(new Date('2026-12-01T04:00:01Z'), at, 6)).toBe('reporting');
    expect(agentStateOf(new Date('2026-12-01T04:00:00Z'), at, 6)).toBe('stale');
  });

  it('rolls a customer up as infected while any site is', () => {
    expect(rollUp('infection', ['clean', 'infected'])).toBe('infected');
    expect(rollUp('infection', ['clean', 'clean'])).toBe('clean');
  });
});

describe('detectTransition', () => {
  it('fires only on a change: clean → infected opens an incident, infected → clean names the incident it closes', () => {
    const first = detectTransition('infection', null, 'clean', at, 'site-1');
    expect(first.change).toBeNull();
    const bad = detectTransition('infection', first.memory, 'infected', at, 'site-1');
    expect(bad.change).toEqual({ from: 'clean', to: 'infected', incident: 'site-1@2026-12-01T10:00:00.000Z', opens: true });
    const still = detectTransition('infection', bad.memory, 'infected', new Date(at.getTime() + 1000), 'site-1');
    expect(still.change).toBeNull();
    const good = detectTransition('infection', still.memory, 'clean', new Date(at.getTime() + 2000), 'site-1');
    expect(good.change).toEqual({ from: 'infected', to: 'clean', incident: 'site-1@2026-12-01T10:00:00.000Z', opens: false });
    expect(good.memory).toEqual({ state: 'clean', incident: null });
  });

  it('starts an agent as reporting and a site as protected, so a first stale or unprotected reading is a change', () => {
    expect(detectTransition('agent', null, 'stale', at, 'web1').change?.from).toBe('reporting');
    expect(detectTransition('protection', null, 'protected', at, 's').change).toBeNull();
  });

  it('keeps to the states the rule asked for', () => {
    const c = { from: 'infected', to: 'clean', incident: 'i', opens: false };
    expect(wanted(undefined, c)).toBe(true);
    expect(wanted(['infected'], c)).toBe(false);
  });
});
