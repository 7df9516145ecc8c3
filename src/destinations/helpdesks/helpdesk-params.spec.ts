import { ValidationError } from '../../errors/domain-error';
import { kindSpec } from '../destination-kinds';
import { readParams } from './helpdesk-params';

const check = (kind: string, params: unknown) => kindSpec(kind).actionParams!(params, 'actions[0].params');
const refusal = (kind: string, params: unknown): { field?: string; message: string } => {
  try {
    check(kind, params);
  } catch (err) {
    if (err instanceof ValidationError) return { field: err.field, message: err.message };
    throw err;
  }
  throw new Error('accepted');
};

describe('helpdesk action params', () => {
  it('takes each helpdesk its own shape, templates in subject, body and tags', () => {
    expect(check('zendesk', { subject: 'Malware on {{site.domain}}', body: 'Found:\n{{#each events}}{{threatName}}\n{{/each}}', priority: 'urgent', type: 'incident', group: 360001, tags: ['malware', '{{customer.externalRef}}'], closeStatus: 'solved', replyAs: 'reply' }))
      .toEqual({ subject: 'Malware on {{site.domain}}', body: 'Found:\n{{#each events}}{{threatName}}\n{{/each}}', priority: 'urgent', type: 'incident', group: 360001, tags: ['malware', '{{customer.externalRef}}'], closeStatus: 'solved', replyAs: 'reply' });
    expect(check('freshdesk', { priority: 'medium', type: 'Malware cleanup', closeStatus: 'closed', replyAs: 'note' })).toEqual({ priority: 'medium', type: 'Malware cleanup', closeStatus: 'closed', replyAs: 'note' });
    expect(check('osticket', { priority: 3, topicId: 12 })).toEqual({ priority: 3, topicId: 12 });
    expect(check('helpscout', { tags: ['x'], closeStatus: 'pending' })).toEqual({ tags: ['x'], closeStatus: 'pending' });
    expect(check('zendesk', undefined)).toEqual({});
  });

  it('refuses what the helpdesk has not, naming the field', () => {
    expect(refusal('zendesk', { priority: 'asap' })).toEqual({ field: 'actions[0].params.priority', message: 'actions[0].params.priority must be one of urgent, high, normal, low' });
    expect(refusal('freshdesk', { closeStatus: 'solved' }).field).toBe('actions[0].params.closeStatus');
    expect(refusal('osticket', { closeStatus: 'closed' })).toMatchObject({ field: 'actions[0].params.closeStatus', message: expect.stringContaining('not a param of a osticket action (subject, body, priority, topicId)') });
    expect(refusal('osticket', { priority: 'high' }).field).toBe('actions[0].params.priority');
    expect(refusal('helpscout', { priority: 'high' }).field).toBe('actions[0].params.priority');
    expect(refusal('zendesk', { subject: 'two\nlines' }).field).toBe('actions[0].params.subject');
    expect(refusal('zendesk', { body: 'x'.repeat(20_001) }).field).toBe('actions[0].params.body');
    expect(refusal('zendesk', { tags: ['two words'] }).field).toBe('actions[0].params.tags[0]');
    expect(refusal('zendesk', { group: 1.5 }).field).toBe('actions[0].params.group');
    expect(refusal('freshdesk', { replyAs: 'email' }).field).toBe('actions[0].params.replyAs');
    expect(refusal('zendesk', ['subject']).field).toBe('actions[0].params');
  });

  it('reads stored params defensively (a rule saved before the kind checked them)', () => {
    expect(readParams({ subject: 'S', priority: 2, tags: ['ok', 'not ok', 3], replyAs: 'shout', group: 'x' })).toMatchObject({ subject: 'S', priority: 2, tags: ['ok'], replyAs: undefined, group: undefined });
    expect(readParams('nonsense')).toEqual({});
  });
});
