import { resolveMonarxApiShape } from './monarx-api-shape';
import {
  accountFromDir,
  agentHostsFrom,
  eventKindOf,
  normalizeAgentFile,
  normalizeAgentProcess,
  normalizeMonarxEvent,
  normalizeMonarxRecord,
} from './monarx-normalize';
import { ctx, events, file, reason } from './monarx-normalize.fixtures';

describe('normalizeAgentFile', () => {
  it('turns a detected file into one detection at created_at', () => {
    const raw = file();
    const [e, ...rest] = events(normalizeAgentFile(raw, ctx));
    expect(rest).toHaveLength(0);
    expect(e).toEqual({
      externalId: 'agent-file:f-1:detected',
      kind: 'detection',
      vendorType: 'detected',
      classification: 'malicious',
      severity: 'critical',
      server: 'web01.example.net',
      agentId: 'agent-1',
      accountUser: 'alice',
      domain: null,
      vendorSiteId: null,
      filePath: '/home/alice/public_html/wp-content/uploads/shell.php',
      fileHash: 'ab'.repeat(32),
      process: null,
      threatName: 'php.webshell.b374k',
      occurredAt: new Date('2025-03-01T10:00:00Z'),
      raw,
    });
  });

  it.each([
    ['cleaned', 'cleanup', 'cleaned'],
    ['quarantined', 'quarantine', 'quarantined'],
    ['deleted', 'file_deleted', 'deleted'],
    ['restored', 'file_restored', 'restored'],
    ['Quarantining', 'quarantine', 'quarantined'],
  ])('adds a %s event dated by updated_at', (status, kind, suffix) => {
    const result = events(normalizeAgentFile(file({ status, updated_at: '2025-03-01T11:30:00.000Z' }), ctx));
    expect(result.map((e) => [e.externalId, e.kind, e.occurredAt.toISOString()])).toEqual([
      ['agent-file:f-1:detected', 'detection', '2025-03-01T10:00:00.000Z'],
      [`agent-file:f-1:${suffix}`, kind, '2025-03-01T11:30:00.000Z'],
    ]);
  });

  it.each(['ignored', 'detected', 'pending_review'])('yields the detection only for %s', (status) => {
    expect(events(normalizeAgentFile(file({ status }), ctx)).map((e) => e.kind)).toEqual(['detection']);
  });

  it('reads action before status', () => {
    const result = events(normalizeAgentFile(file({ action: 'cleaned', status: 'detected' }), ctx));
    expect(result[1].kind).toBe('cleanup');
  });

  it.each([
    ['compromised', 'high'],
    ['suspicious', 'medium'],
    ['PUA', 'low'],
    ['vulnerable', 'info'],
    ['something-new', null],
  ])('maps classification %s to severity %s', (classification, severity) => {
    expect(events(normalizeAgentFile(file({ classification }), ctx))[0].severity).toBe(severity);
  });

  it('tolerates missing optional fields and unknown extra fields', () => {
    const raw = { id: 7, created_at: '2025-03-01T10:00:00Z', brand_new_field: { x: 1 } };
    const [e] = events(normalizeAgentFile(raw, ctx));
    expect(e).toMatchObject({
      externalId: 'agent-file:7:detected',
      vendorType: 'detected',
      server: null,
      agentId: null,
      accountUser: null,
      filePath: null,
      classification: null,
      severity: null,
      threatName: null,
    });
  });

  it('falls back to the agent id for the server, and signature for the threat name', () => {
    const [e] = events(normalizeAgentFile(file({ agent_id: 'agent-9', threat_name: undefined, signature: 'sig-1' }), ctx));
    expect(e.server).toBe('agent-9');
    expect(e.threatName).toBe('sig-1');
  });

  it('derives the account user from home_dir, then from the path', () => {
    expect(events(normalizeAgentFile(file({ user: undefined, home_dir: '/home2/bob' }), ctx))[0].accountUser).toBe('bob');
    expect(events(normalizeAgentFile(file({ user: undefined, home_dir: undefined, path: '/var/www/carol/index.php' }), ctx))[0].accountUser).toBe('carol');
  });

  it('keeps long paths and domain/site ids as given', () => {
    const path = '/home/alice/' + 'a/'.repeat(600) + 'x.php';
    const [e] = events(normalizeAgentFile(file({ path, domain: 'alice.example', site_id: 42 }), ctx));
    expect(e.filePath).toBe(path);
    expect(e.domain).toBe('alice.example');
    expect(e.vendorSiteId).toBe('42');
  });

  it('rejects a record without id', () => {
    expect(reason(normalizeAgentFile(file({ id: undefined }), ctx))).toBe('record has no id');
  });

  it('rejects an unparseable created_at, naming the field and keeping the id', () => {
    const result = normalizeAgentFile(file({ created_at: 'yesterday' }), ctx);
    expect(result).toMatchObject({ ok: false, rejected: { resource: 'agent-file', externalId: 'f-1' } });
    expect(reason(result)).toBe('created_at is not a timestamp: "yesterday"');
  });

  it('rejects a missing created_at and an unparseable updated_at', () => {
    expect(reason(normalizeAgentFile(file({ created_at: undefined }), ctx))).toBe('record has no created_at');
    expect(reason(normalizeAgentFile(file({ updated_at: 'soon' }), ctx))).toMatch(/^updated_at is not a timestamp/);
  });

  it.each([[null], ['text'], [[1, 2]], [42]])('rejects a non-object (%p)', (raw) => {
    expect(reason(normalizeAgentFile(raw, ctx))).toMatch(/^record is not an object/);
  });

  it('reads renamed fields from an overridden api shape', () => {
    const shape = resolveMonarxApiShape({ fields: { agentFile: { createdAt: 'first_seen', action: 'state' } } });
    const raw = { id: 'f-2', first_seen: '2025-03-02T00:00:00Z', state: 'cleaned' };
    expect(events(normalizeAgentFile(raw, { ...ctx, shape })).map((e) => e.externalId)).toEqual([
      'agent-file:f-2:detected',
      'agent-file:f-2:cleaned',
    ]);
  });
});

describe('normalizeAgentProcess', () => {
  const proc = (over: Record<string, unknown> = {}) => ({
    id: 'p-1',
    agent_id: 'agent-1',
    pid: 4242,
    user: 'alice',
    command: '/usr/bin/php /home/alice/tmp/miner.php',
    classification: 'malicious',
    action: 'killed',
    created_at: '2025-03-01T12:00:00Z',
    ...over,
  });

  it('turns a killed process into process_killed', () => {
    const [e] = events(normalizeAgentProcess(proc(), ctx));
    expect(e).toMatchObject({
      externalId: 'agent-process:p-1',
      kind: 'process_killed',
      vendorType: 'killed',
      server: 'web01.example.net',
      accountUser: 'alice',
      process: '/usr/bin/php /home/alice/tmp/miner.php (pid 4242)',
      severity: 'critical',
      occurredAt: new Date('2025-03-01T12:00:00Z'),
    });
  });

  it('turns a blocked process into process_blocked, and an unknown action into other', () => {
    expect(events(normalizeAgentProcess(proc({ action: 'blocked' }), ctx))[0].kind).toBe('process_blocked');
    expect(events(normalizeAgentProcess(proc({ action: 'logged' }), ctx))[0]).toMatchObject({ kind: 'other', vendorType: 'logged' });
  });

  it('rejects a process without id', () => {
    expect(normalizeAgentProcess(proc({ id: '' }), ctx)).toMatchObject({ ok: false, rejected: { resource: 'agent-process', reason: 'record has no id' } });
  });

  it('matches on domain, site id and home directory as a file record does', () => {
    const [e] = events(normalizeAgentProcess(proc({ user: undefined, home_dir: '/home/bob', domain: 'bob.example', site_id: 's-9' }), ctx));
    expect(e).toMatchObject({ accountUser: 'bob', domain: 'bob.example', vendorSiteId: 's-9' });
    expect(events(normalizeAgentProcess(proc(), ctx))[0]).toMatchObject({ domain: null, vendorSiteId: null });
  });
});

describe('normalizeMonarxEvent', () => {
  const ev = (type: unknown, over: Record<string, unknown> = {}) => ({
    id: 'e-1',
    type,
    agent_id: 'agent-1',
    created_at: '2025-03-01T13:00:00Z',
    data: { home_dir: '/home/dave', domain: 'dave.example' },
    ...over,
  });

  it('maps protection types to protection_changed and reads account details from data', () => {
    const [e] = events(normalizeMonarxEvent(ev('protection_disabled'), ctx));
    expect(e).toMatchObject({
      externalId: 'event:e-1',
      kind: 'protection_changed',
      vendorType: 'protection_disabled',
      server: 'web01.example.net',
      accountUser: 'dave',
      domain: 'dave.example',
    });
  });

  it('reads a site id, as a string or a number, at the top level or inside data', () => {
    expect(events(normalizeMonarxEvent(ev('agent_stale', { data: { site_id: 42 } }), ctx))[0].vendorSiteId).toBe('42');
    expect(events(normalizeMonarxEvent(ev('agent_stale', { site_id: 's-1', data: { site_id: 's-2' } }), ctx))[0].vendorSiteId).toBe('s-1');
  });

  it('keeps the vendor type of an unknown event as other', () => {
    expect(events(normalizeMonarxEvent(ev('settings_changed'), ctx))[0]).toMatchObject({ kind: 'other', vendorType: 'settings_changed' });
    expect(events(normalizeMonarxEvent(ev(undefined, { data: 'x' }), ctx))[0]).toMatchObject({ kind: 'other', vendorType: 'unknown' });
  });

  it('rejects an event with a bad created_at', () => {
    expect(reason(normalizeMonarxEvent(ev('agent_stale', { created_at: 1e30 }), ctx))).toMatch(/^created_at is not a timestamp/);
  });

  it('rejects what PostgreSQL could not hold: a time outside its range, an id too long for the index', () => {
    expect(reason(normalizeMonarxEvent(ev('agent_stale', { created_at: -5e12 }), ctx))).toMatch(/^created_at is not a timestamp/);
    expect(reason(normalizeMonarxEvent(ev('agent_stale', { created_at: '+275000-01-01T00:00:00Z' }), ctx))).toMatch(/^created_at is not a timestamp/);
    expect(reason(normalizeMonarxEvent(ev('agent_stale', { id: 'x'.repeat(201) }), ctx))).toBe('id is longer than 200 characters');
    expect(events(normalizeMonarxEvent(ev('agent_stale', { id: 'x'.repeat(200) }), ctx))).toHaveLength(1);
  });
});

describe('eventKindOf', () => {
  it.each([
    ['protection_enabled', 'protection_changed'],
    ['PROTECTION.DISABLED', 'protection_changed'],
    ['protectionModeChanged', 'protection_changed'],
    ['mode_changed', 'protection_changed'],
    ['agent_stale', 'agent_status'],
    ['agent-recovered', 'agent_status'],
    ['AGENT_OFFLINE', 'agent_status'],
    ['agent.online', 'agent_status'],
    ['settings_changed', 'other'],
    ['constructor', 'other'],
  ])('%s → %s', (type, kind) => {
    expect(eventKindOf(type)).toBe(kind);
  });
});

describe('helpers', () => {
  it('builds the agent host map from agent records, skipping incomplete ones', () => {
    const hosts = agentHostsFrom([{ id: 'a1', host_id: 'h1' }, { id: 'a2' }, 'junk', { id: 3, host_id: 'h3', extra: true }]);
    expect([...hosts]).toEqual([
      ['a1', 'h1'],
      ['3', 'h3'],
    ]);
  });

  it('finds the hosting account under /home, /homeN and /var/www only', () => {
    expect(accountFromDir('/home/alice/public_html')).toBe('alice');
    expect(accountFromDir('/home3/bob')).toBe('bob');
    expect(accountFromDir('/var/www/carol/x')).toBe('carol');
    expect(accountFromDir('/tmp/x.php')).toBeNull();
    expect(accountFromDir(null)).toBeNull();
  });

  it('rejects agents handed to the event normalizer', () => {
    expect(normalizeMonarxRecord('agent', { id: 'a1' }, ctx)).toMatchObject({ ok: false });
  });
});
