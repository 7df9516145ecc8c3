import { POLL_NOTICE_AFTER_FAILURES as N, pollNotice } from './poll-notice';

const ok = { status: 'ok', consecutiveFailures: 0 };
const retrying = (n: number) => ({ status: 'retrying', consecutiveFailures: n });
const failing = (n: number) => ({ status: 'failing', consecutiveFailures: n });

describe('pollNotice', () => {
  it('tells once when a retried error reaches the streak length, not before and not after', () => {
    expect(pollNotice(ok, retrying(1))).toBeNull();
    expect(pollNotice(retrying(N - 2), retrying(N - 1))).toBeNull();
    expect(pollNotice(retrying(N - 1), retrying(N))).toBe('failing');
    expect(pollNotice(retrying(N), retrying(N + 1))).toBeNull();
  });

  it('tells at once when a permanent fault stops the account, and once only while it stays so', () => {
    expect(pollNotice(ok, failing(1))).toBe('failing');
    expect(pollNotice(failing(1), failing(2))).toBeNull();
    expect(pollNotice(retrying(N + 3), failing(N + 4))).toBeNull();
  });

  it('tells of the recovery only after a streak it told of', () => {
    expect(pollNotice(failing(2), 'ok')).toBe('recovered');
    expect(pollNotice(retrying(N), 'ok')).toBe('recovered');
    expect(pollNotice(retrying(2), 'ok')).toBeNull();
    expect(pollNotice(ok, 'ok')).toBeNull();
  });

  it('a streak restarted by a run that made progress is a new one', () => {
    expect(pollNotice(failing(3), failing(1))).toBe('failing');
  });
});
