import type { ImportReport } from '../customers/customer-import.service';

// A billing import run as stored and as the API shows it. Its totals are the CSV import's report summed over the
// run's lots, each rejection naming the billing record at fault.
export type ImportTotals = Omit<ImportReport, 'mode' | 'rejected'> & {
  rejected: { record: string; field: string | null; reason: string }[]; // the first 1,000
  rejectedCount: number;
};

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
