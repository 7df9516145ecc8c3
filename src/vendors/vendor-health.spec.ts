import { AccountHealthRow, vendorHealthReport } from './vendor-health';

const now = new Date('2026-12-02T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const row = (over: Partial<AccountHealthRow>): AccountHealthRow => ({
  id: 'a1', organizationId: 'o1', vendor: 'monarx', status: 'ok', enabled: true, lastErrorCode: null, failingSince: null,
  consecutiveFailures: 0, lastSuccessAt: ago(60), createdAt: ago(86_400), nextPollAt: ago(-240), ...over,
});

describe('vendorHealthReport', () => {
  it('is ok with no failing account, and counts accounts by status', () => {
    const r = vendorHealthReport({ counts: { ok: 3, disabled: 1 }, failing: [], failingTotal: 0 }, now, 0);
    expect(r).toMatchObject({ status: 'ok', accounts: { pending: 0, ok: 3, retrying: 0, failing: 0, disabled: 1 }, failing: [], failingTotal: 0 });
  });

  it('is failing when an enabled account backs off or is stopped, and says since when', () => {
    const backingOff = row({ status: 'retrying', lastErrorCode: 'vendor_error', failingSince: ago(600), consecutiveFailures: 4, lastSuccessAt: ago(900) });
    const r = vendorHealthReport({ counts: { retrying: 1 }, failing: [backingOff], failingTotal: 1 }, now, 0);
    expect(r.status).toBe('failing');
    expect(r.failing).toEqual([{
      id: 'a1', organizationId: 'o1', vendor: 'monarx', status: 'retrying', lastErrorCode: 'vendor_error', failingSince: ago(600).toISOString(),
      failingForSeconds: 600, consecutiveFailures: 4, lastSuccessAt: ago(900).toISOString(), secondsSinceLastSuccess: 900, nextPollAt: ago(-240).toISOString(),
    }]);
  });

  it('leaves a failure shorter than minFailingSeconds listed but not alerting', () => {
    const blip = row({ status: 'retrying', failingSince: ago(30) });
    expect(vendorHealthReport({ counts: {}, failing: [blip], failingTotal: 1 }, now, 300)).toMatchObject({ status: 'ok', failingListed: 1 });
    expect(vendorHealthReport({ counts: {}, failing: [row({ status: 'failing', failingSince: ago(301) })], failingTotal: 1 }, now, 300).status).toBe('failing');
  });

  it('never counts a disabled account, and reports a never-successful one with no last success', () => {
    expect(vendorHealthReport({ counts: {}, failing: [row({ status: 'retrying', enabled: false })], failingTotal: 0 }, now, 0).status).toBe('ok');
    const never = vendorHealthReport({ counts: {}, failing: [row({ status: 'failing', lastSuccessAt: null, failingSince: ago(120) })], failingTotal: 1 }, now, 0);
    expect(never.failing[0]).toMatchObject({ secondsSinceLastSuccess: null, lastSuccessAt: null, failingForSeconds: 120 });
  });
});
