import { ValidationError } from '../../errors/domain-error';
import { blestaActionParams } from './blesta-action-params';

const F = 'actions[1].params';
const field = (v: unknown): string => {
  try {
    blestaActionParams(v, F);
  } catch (e) {
    if (e instanceof ValidationError) return (e as unknown as { field: string }).field;
    throw e;
  }
  throw new Error('accepted');
};

describe('blestaActionParams', () => {
  it('fills the defaults', () => {
    expect(blestaActionParams({ operation: 'ticket', departmentId: 3 }, F)).toEqual({ operation: 'ticket', departmentId: '3', priority: 'medium', closeStatus: 'closed' });
    expect(blestaActionParams({ operation: 'invoice', description: 'Cleanup', amount: 10, currency: 'USD' }, F)).toEqual({
      operation: 'invoice', description: 'Cleanup', amount: '10', qty: '1', currency: 'USD', status: 'draft', dueDays: 14,
    });
    expect(blestaActionParams({ operation: 'note' }, F)).toEqual({ operation: 'note', stickied: false });
  });

  it('names the field of what cannot work', () => {
    expect(field({ operation: 'ticket' })).toBe(`${F}.departmentId`);
    expect(field({ operation: 'ticket', departmentId: 1, priority: 'urgent' })).toBe(`${F}.priority`);
    expect(field({ operation: 'ticket', departmentId: 1, closeStatus: 'trash' })).toBe(`${F}.closeStatus`);
    expect(field({ operation: 'invoice', description: 'x', amount: 1 })).toBe(`${F}.currency`);
    expect(field({ operation: 'invoice', description: 'x', amount: 1, currency: 'usd' })).toBe(`${F}.currency`);
    expect(field({ operation: 'invoice', description: 'x', amount: 1, currency: 'USD', qty: 0 })).toBe(`${F}.qty`);
    expect(field({ operation: 'invoice', description: 'x', amount: 1, currency: 'USD', status: 'void' })).toBe(`${F}.status`);
    expect(field({ operation: 'invoice', description: 'x', amount: 1, currency: 'USD', dueDays: 1.5 })).toBe(`${F}.dueDays`);
    expect(field({ operation: 'note', title: 'x'.repeat(256) })).toBe(`${F}.title`);
    expect(field({ operation: 'note', color: 'red' })).toBe(`${F}.color`);
    expect(field([])).toBe(F);
  });
});
