import { checkReplayRange } from './replay-range';

const fieldOf = (input: Record<string, unknown>) => {
  try {
    checkReplayRange(input);
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return null;
};

describe('checkReplayRange', () => {
  it('takes both failed and dead by default', () => {
    expect(checkReplayRange({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00+01:00' })).toEqual({
      from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-01T23:00:00Z'), statuses: ['failed', 'dead'],
    });
  });

  it('takes one status or a list', () => {
    expect(checkReplayRange({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: 'dead' }).statuses).toEqual(['dead']);
    expect(checkReplayRange({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: ['failed', 'failed'] }).statuses).toEqual(['failed']);
  });

  it.each([
    [{ to: '2026-12-02T00:00:00Z' }, 'from'],
    [{ from: '2026-12-01', to: '2026-12-02T00:00:00Z' }, 'from'],
    [{ from: '2026-12-01T00:00:00', to: '2026-12-02T00:00:00Z' }, 'from'],
    [{ from: '2026-12-01T00:00:00Z', to: 'tomorrow' }, 'to'],
    [{ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'to'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'to'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: 'delivered' }, 'status'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: [] }, 'status'],
    [{ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', status: ['dead', 'pending'] }, 'status'],
  ])('refuses %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
