import { done, failed, jobOutcomeLabel, retry, skipped } from './job';

describe('jobOutcomeLabel', () => {
  it('counts what the handler reported', () => {
    expect(jobOutcomeLabel({ result: done() })).toBe('done');
    expect(jobOutcomeLabel({ result: skipped('not due') })).toBe('skipped');
    expect(jobOutcomeLabel({ result: retry('vendor answered 500') })).toBe('retry');
    expect(jobOutcomeLabel({ result: failed('bad credentials') })).toBe('failed');
  });

  it('counts a throw as a retry while the engine has retries left, failed on the last attempt', () => {
    expect(jobOutcomeLabel({ thrown: true, attempt: 0, retryLimit: 3 })).toBe('retry');
    expect(jobOutcomeLabel({ thrown: true, attempt: 2, retryLimit: 3 })).toBe('retry');
    expect(jobOutcomeLabel({ thrown: true, attempt: 3, retryLimit: 3 })).toBe('failed');
    expect(jobOutcomeLabel({ thrown: true, attempt: 0, retryLimit: 0 })).toBe('failed');
  });
});
