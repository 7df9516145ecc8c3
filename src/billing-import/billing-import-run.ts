// A billing import run as stored and as the API shows it.
export interface ImportTotals {
  created: number;
  updated: number;
  unchanged: number;
  sitesCreated: number;
  sitesUpdated: number;
  sitesUnchanged: number;
  rejected: { record: string; field: string | null; reason: string }[]; // the first 1,000
  rejectedCount: number;
}

export const emptyTotals = (): ImportTotals => ({
  created: 0, updated: 0, unchanged: 0, sitesCreated: 0, sitesUpdated: 0, sitesUnchanged: 0, rejected: [], rejectedCount: 0,
});

export interface BillingImportRun {
  id: string;
  organizationId: string;
  destinationId: string | null;
  system: string;
  trigger: string;
  status: 'queued' | 'fetching' | 'writing' | 'done' | 'failed';
  progress: Record<string, unknown>;
  report: Record<string, unknown> | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const RUN_COLUMNS = `id, organization_id AS "organizationId", destination_id AS "destinationId", system, trigger, status, progress, report, error,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;
