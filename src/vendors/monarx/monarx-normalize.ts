import { EventKind, NormalizedEvent, Severity } from '../../events/normalized-event';
import { MONARX_API_SHAPE, MonarxApiShape, MonarxResource } from './monarx-api-shape';
import { firstString, guarded, idString, isObject, lower, NormalizeResult, parseTimestamp, Raw, readHead, reject, show, str, UnstorableText } from './monarx-record-fields';

export type { NormalizeResult };

export interface NormalizeContext {
  agentHosts: ReadonlyMap<string, string>; // agent id → host_id, from listAgents()
  shape?: MonarxApiShape;
}


// No severity field is documented; this is the order Monarx describes its classifications in.
// Maps, not object literals, so that a vendor string like "constructor" cannot hit Object.prototype.
const SEVERITY_BY_CLASSIFICATION = new Map<string, Severity>([
  ['malicious', 'critical'],
  ['compromised', 'high'],
  ['suspicious', 'medium'],
  ['pua', 'low'],
  ['vulnerable', 'info'],
]);

// The dashboard export logs actions in the progressive form ("Quarantining"), the assumed API in the past tense.
const FILE_ACTION_KINDS = new Map<string, { kind: EventKind; suffix: string }>([
  ['cleaned', { kind: 'cleanup', suffix: 'cleaned' }],
  ['cleaning', { kind: 'cleanup', suffix: 'cleaned' }],
  ['quarantined', { kind: 'quarantine', suffix: 'quarantined' }],
  ['quarantining', { kind: 'quarantine', suffix: 'quarantined' }],
  ['deleted', { kind: 'file_deleted', suffix: 'deleted' }],
  ['deleting', { kind: 'file_deleted', suffix: 'deleted' }],
  ['removed', { kind: 'file_deleted', suffix: 'deleted' }],
  ['restored', { kind: 'file_restored', suffix: 'restored' }],
  ['restoring', { kind: 'file_restored', suffix: 'restored' }],
]);

const PROCESS_ACTION_KINDS = new Map<string, EventKind>([
  ['killed', 'process_killed'],
  ['kill', 'process_killed'],
  ['blocked', 'process_blocked'],
  ['block', 'process_blocked'],
]);

// Monarx treats each directory directly under a user base as one hosting account (on cPanel: /home, /home2, …).
const ACCOUNT_DIR = /^\/(?:home\d*|var\/www)\/([^/]+)/;

export function normalizeMonarxRecord(resource: MonarxResource, raw: unknown, ctx: NormalizeContext): NormalizeResult {
  switch (resource) {
    case 'agent-file':
      return normalizeAgentFile(raw, ctx);
    case 'agent-process':
      return normalizeAgentProcess(raw, ctx);
    case 'event':
      return normalizeMonarxEvent(raw, ctx);
    case 'agent':
      return reject(resource, null, 'agents are not events; read them with agentHostsFrom()', raw);
  }
}

export function normalizeAgentFile(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  const f = (ctx.shape ?? MONARX_API_SHAPE).fields.agentFile;
  return guarded('agent-file', raw, f.id, () => agentFile(raw, ctx, f));
}

function agentFile(raw: unknown, ctx: NormalizeContext, f: MonarxApiShape['fields']['agentFile']): NormalizeResult {
  const head = readHead('agent-file', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  let updatedAt = createdAt;
  const updatedRaw = record[f.updatedAt];
  if (updatedRaw !== undefined && updatedRaw !== null) {
    const parsed = parseTimestamp(updatedRaw, f.updatedAt);
    if (!parsed) return reject('agent-file', id, `${f.updatedAt} is not a timestamp: ${show(updatedRaw)}`, raw);
    updatedAt = parsed;
  }

  const status = firstString(record, f.action);
  const classification = lower(str(record[f.classification], f.classification));
  const homeDir = str(record[f.homeDir], f.homeDir);
  const path = str(record[f.path], f.path);
  const agentId = idString(record[f.agentId], f.agentId);
  const base = {
    classification,
    severity: severityOf(classification),
    server: serverOf(agentId, ctx),
    agentId,
    accountUser: str(record[f.user], f.user) ?? accountFromDir(homeDir) ?? accountFromDir(path),
    domain: str(record[f.domain], f.domain),
    vendorSiteId: idString(record[f.siteId], f.siteId),
    filePath: path,
    fileHash: str(record[f.sha256], f.sha256),
    process: null,
    threatName: firstString(record, f.threatName),
    raw,
  };

  const events: NormalizedEvent[] = [
    { ...base, externalId: `agent-file:${id}:detected`, kind: 'detection', vendorType: status ?? 'detected', occurredAt: createdAt },
  ];
  // A status change is a second event for the same file, dated by the change; detected/ignored/unknown add nothing.
  const action = status ? FILE_ACTION_KINDS.get(status.toLowerCase()) : undefined;
  if (status && action) {
    events.push({ ...base, externalId: `agent-file:${id}:${action.suffix}`, kind: action.kind, vendorType: status, occurredAt: updatedAt });
  }
  return { ok: true, events };
}

export function normalizeAgentProcess(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  const f = (ctx.shape ?? MONARX_API_SHAPE).fields.agentProcess;
  return guarded('agent-process', raw, f.id, () => agentProcess(raw, ctx, f));
}

function agentProcess(raw: unknown, ctx: NormalizeContext, f: MonarxApiShape['fields']['agentProcess']): NormalizeResult {
  const head = readHead('agent-process', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  const action = firstString(record, f.action);
  const classification = lower(str(record[f.classification], f.classification));
  const agentId = idString(record[f.agentId], f.agentId);
  const command = str(record[f.command], f.command);
  const pid = idString(record[f.pid], f.pid);
  const path = str(record[f.path], f.path);
  const homeDir = str(record[f.homeDir], f.homeDir);
  const processLine = command && pid ? `${command} (pid ${pid})` : command ?? (pid ? `pid ${pid}` : null);
  return {
    ok: true,
    events: [
      {
        externalId: `agent-process:${id}`,
        kind: (action && PROCESS_ACTION_KINDS.get(action.toLowerCase())) || 'other',
        vendorType: action ?? 'agent-process',
        classification,
        severity: severityOf(classification),
        server: serverOf(agentId, ctx),
        agentId,
        // The same identifiers, in the same order, as a file record: a process record that names its site's domain
        // must land on that site, not on whichever site of the hosting account comes first.
        accountUser: str(record[f.user], f.user) ?? accountFromDir(homeDir) ?? accountFromDir(path),
        domain: str(record[f.domain], f.domain),
        vendorSiteId: idString(record[f.siteId], f.siteId),
        filePath: path,
        fileHash: null,
        process: processLine,
        threatName: firstString(record, f.threatName),
        occurredAt: createdAt,
        raw,
      },
    ],
  };
}

export function normalizeMonarxEvent(raw: unknown, ctx: NormalizeContext): NormalizeResult {
  const f = (ctx.shape ?? MONARX_API_SHAPE).fields.event;
  return guarded('event', raw, f.id, () => monarxEvent(raw, ctx, f));
}

function monarxEvent(raw: unknown, ctx: NormalizeContext, f: MonarxApiShape['fields']['event']): NormalizeResult {
  const head = readHead('event', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  const type = str(record[f.type], f.type);
  const data = isObject(record[f.data]) ? (record[f.data] as Raw) : {};
  // The event payload is free-form; look for the account's identifiers at the top level first, then inside data.
  // Both places are read (and so checked) before the top level wins.
  const pick = (name: string): string | null => {
    const inData = str(data[name], `${f.data}.${name}`);
    return str(record[name], name) ?? inData;
  };
  const pickId = (name: string): string | null => {
    const inData = idString(data[name], `${f.data}.${name}`);
    return idString(record[name], name) ?? inData;
  };
  const agentId = pickId(f.agentId);
  const homeDir = pick('home_dir');
  const path = pick('path');
  return {
    ok: true,
    events: [
      {
        externalId: `event:${id}`,
        kind: eventKindOf(type),
        vendorType: type ?? 'unknown',
        classification: null,
        severity: null,
        server: serverOf(agentId, ctx),
        agentId,
        accountUser: pick('user') ?? accountFromDir(homeDir) ?? accountFromDir(path),
        domain: pick('domain'),
        vendorSiteId: pickId('site_id'),
        filePath: path,
        fileHash: null,
        process: null,
        threatName: null,
        occurredAt: createdAt,
        raw,
      },
    ],
  };
}

// Event type spellings are not documented (protection_enabled, PROTECTION.MODE_CHANGED, agent-stale…): match words.
export function eventKindOf(type: string | null): EventKind {
  if (!type) return 'other';
  const words = new Set(type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/));
  if (['stale', 'recovered', 'offline', 'online', 'disconnected', 'reconnected'].some((w) => words.has(w))) {
    return 'agent_status';
  }
  if (words.has('protection') && ['enabled', 'disabled', 'mode', 'changed'].some((w) => words.has(w))) {
    return 'protection_changed';
  }
  if (words.has('mode')) return 'protection_changed';
  return 'other';
}

export function agentHostsFrom(agents: readonly unknown[], shape: MonarxApiShape = MONARX_API_SHAPE): Map<string, string> {
  const f = shape.fields.agent;
  const hosts = new Map<string, string>();
  for (const agent of agents) {
    if (!isObject(agent)) continue;
    // An agent whose id or host name cannot be stored names no server: its records carry its id instead (and are
    // rejected themselves when that id is the unstorable part).
    try {
      const id = idString(agent[f.id], f.id);
      const host = str(agent[f.hostId], f.hostId);
      if (id && host) hosts.set(id, host);
    } catch (err) {
      if (!(err instanceof UnstorableText)) throw err;
    }
  }
  return hosts;
}

export function severityOf(classification: string | null): Severity | null {
  return (classification && SEVERITY_BY_CLASSIFICATION.get(classification)) || null;
}

export function accountFromDir(dir: string | null): string | null {
  return dir?.match(ACCOUNT_DIR)?.[1] ?? null;
}

function serverOf(agentId: string | null, ctx: NormalizeContext): string | null {
  if (!agentId) return null;
  return ctx.agentHosts.get(agentId) ?? agentId;
}
