import { EventKind, NormalizedEvent, RejectedRecord, Severity } from '../vendor-event';
import { MONARX_API_SHAPE, MonarxApiShape, MonarxResource } from './monarx-api-shape';

export type NormalizeResult = { ok: true; events: NormalizedEvent[] } | { ok: false; rejected: RejectedRecord };

export interface NormalizeContext {
  agentHosts: ReadonlyMap<string, string>; // agent id → host_id, from listAgents()
  shape?: MonarxApiShape;
}

type Raw = Record<string, unknown>;

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
  const head = readHead('agent-file', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  let updatedAt = createdAt;
  const updatedRaw = record[f.updatedAt];
  if (updatedRaw !== undefined && updatedRaw !== null) {
    const parsed = parseTimestamp(updatedRaw);
    if (!parsed) return reject('agent-file', id, `${f.updatedAt} is not a timestamp: ${show(updatedRaw)}`, raw);
    updatedAt = parsed;
  }

  const status = firstString(record, f.action);
  const classification = lower(str(record[f.classification]));
  const homeDir = str(record[f.homeDir]);
  const path = str(record[f.path]);
  const agentId = idString(record[f.agentId]);
  const base = {
    classification,
    severity: severityOf(classification),
    server: serverOf(agentId, ctx),
    agentId,
    accountUser: str(record[f.user]) ?? accountFromDir(homeDir) ?? accountFromDir(path),
    domain: str(record[f.domain]),
    vendorSiteId: idString(record[f.siteId]),
    filePath: path,
    fileHash: str(record[f.sha256]),
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
  const head = readHead('agent-process', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  const action = firstString(record, f.action);
  const classification = lower(str(record[f.classification]));
  const agentId = idString(record[f.agentId]);
  const command = str(record[f.command]);
  const pid = idString(record[f.pid]);
  const path = str(record[f.path]);
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
        accountUser: str(record[f.user]) ?? accountFromDir(path),
        domain: null,
        vendorSiteId: null,
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
  const head = readHead('event', raw, f.id, f.createdAt);
  if (!head.ok) return head;
  const { record, id, createdAt } = head;

  const type = str(record[f.type]);
  const data = isObject(record[f.data]) ? (record[f.data] as Raw) : {};
  // The event payload is free-form; look for the account's identifiers at the top level first, then inside data.
  const pick = (name: string): string | null => str(record[name]) ?? str(data[name]);
  const agentId = idString(record[f.agentId]) ?? idString(data[f.agentId]);
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
        vendorSiteId: null,
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
    const id = idString(agent[f.id]);
    const host = str(agent[f.hostId]);
    if (id && host) hosts.set(id, host);
  }
  return hosts;
}

export function severityOf(classification: string | null): Severity | null {
  return (classification && SEVERITY_BY_CLASSIFICATION.get(classification)) || null;
}

export function accountFromDir(dir: string | null): string | null {
  return dir?.match(ACCOUNT_DIR)?.[1] ?? null;
}

type Head = { ok: true; record: Raw; id: string; createdAt: Date } | { ok: false; rejected: RejectedRecord };

function readHead(resource: MonarxResource, raw: unknown, idField: string, createdField: string): Head {
  if (!isObject(raw)) return reject(resource, null, `record is not an object but ${describe(raw)}`, raw);
  const id = idString(raw[idField]);
  if (!id) return reject(resource, null, `record has no ${idField}`, raw);
  const value = raw[createdField];
  if (value === undefined || value === null) return reject(resource, id, `record has no ${createdField}`, raw);
  const createdAt = parseTimestamp(value);
  if (!createdAt) return reject(resource, id, `${createdField} is not a timestamp: ${show(value)}`, raw);
  return { ok: true, record: raw, id, createdAt };
}

function reject(resource: string, externalId: string | null, reason: string, raw: unknown): { ok: false; rejected: RejectedRecord } {
  return { ok: false, rejected: { resource, externalId, reason, raw } };
}

// ISO-8601 strings are expected; epoch numbers are accepted (seconds or milliseconds) since some vendor endpoints use them.
function parseTimestamp(value: unknown): Date | null {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = value < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) ms = Date.parse(value.trim());
  else return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

function serverOf(agentId: string | null, ctx: NormalizeContext): string | null {
  if (!agentId) return null;
  return ctx.agentHosts.get(agentId) ?? agentId;
}

function firstString(record: Raw, names: readonly string[]): string | null {
  for (const name of names) {
    const value = str(record[name]);
    if (value) return value;
  }
  return null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function idString(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return str(value);
}

function lower(value: string | null): string | null {
  return value === null ? null : value.toLowerCase();
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
