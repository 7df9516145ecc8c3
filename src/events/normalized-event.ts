export const EVENT_KINDS = [
  'detection',
  'cleanup',
  'quarantine',
  'file_deleted',
  'file_restored',
  'process_killed',
  'process_blocked',
  'protection_changed',
  'agent_status',
  'other',
] as const;
export type EventKind = typeof EVENT_KINDS[number];

// documented scale, highest first; Monarx classifications map: malicious→critical, compromised→high, suspicious→medium, pua→low, vulnerable→info
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = typeof SEVERITIES[number];

export interface NormalizedEvent {
  externalId: string; // unique per vendor account
  kind: EventKind;
  vendorType: string; // the vendor's own type/status string, kept for 'other'
  classification: string | null;
  severity: Severity | null;
  server: string | null; // host name (agent host_id) when known, else agent id
  agentId: string | null;
  accountUser: string | null; // hosting account user (record.user, or derived from home_dir /home/<user>)
  domain: string | null;
  vendorSiteId: string | null;
  filePath: string | null;
  fileHash: string | null;
  process: string | null; // command line (+pid)
  threatName: string | null;
  occurredAt: Date;
  raw: unknown; // the vendor record as received
}

export interface RejectedRecord {
  resource: string;
  externalId: string | null;
  reason: string;
  raw: unknown;
}
