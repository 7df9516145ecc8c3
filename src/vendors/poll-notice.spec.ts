import { POLL_NOTICE_AFTER_FAILURES as N, pollNotice } from './poll-notice';

const retrying = (n: number) => ({ status: 'retrying', consecutiveFailures: n });
const failing = (n: number) => ({ status: 'failing', consecutiveFailures: n });

describe('pollNotice', () => {
  it('tells when a retried error reaches the streak length, not before', () => {
    expect(pollNotice(retrying(1), false)).toBeNull();
    expect(pollNotice(retrying(N - 1), false)).toBeNull();
    expect(pollNotice(retrying(N), false)).toBe('failing');
    expect(pollNotice(retrying(N + 7), false)).toBe('failing');
  });

  it('tells at once when a permanent fault stops the account', () => {
    expect(pollNotice(failing(1), false)).toBe('failing');
  });

  it('tells once per streak: a streak already told is not told again', () => {
    expect(pollNotice(failing(2), true)).toBeNull();
    expect(pollNotice(retrying(N + 1), true)).toBeNull();
  });

  it('tells of the recovery only after a streak it told of', () => {
    expect(pollNotice('ok', true)).toBe('recovered');
    expect(pollNotice('ok', false)).toBeNull();
  });
});
