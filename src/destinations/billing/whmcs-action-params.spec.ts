import { ValidationError } from '../../errors/domain-error';
import { whmcsActionParams } from './whmcs-action-params';

const F = 'actions[0].params';
const refused = (v: unknown): { field: string; message: string } => {
  try {
    whmcsActionParams(v, F);
  } catch (e) {
    if (e instanceof ValidationError) return { field: (e as unknown as { field: string }).field, message: e.message };
    throw e;
  }
  throw new Error('accepted');
};

describe('whmcsActionParams', () => {
  it('fills the defaults of OpenTicket and keeps templates as written', () => {
    expect(whmcsActionParams({ operation: 'OpenTicket', deptid: '2', subject: 'Malware on {{site.domain}}' }, F)).toEqual({
      operation: 'OpenTicket', deptid: '2', priority: 'Medium', subject: 'Malware on {{site.domain}}', closeStatus: 'Closed',
    });
  });

  it('names the field and the reason of what cannot work', () => {
    expect(refused(undefined)).toMatchObject({ field: F, message: expect.stringContaining('OpenTicket, AddClientNote, AddBillableItem, TriggerNotificationEvent, SendEmail') });
    expect(refused({ operation: 'AddNote' }).field).toBe(`${F}.operation`);
    expect(refused({ operation: 'OpenTicket' }).field).toBe(`${F}.deptid`);
    expect(refused({ operation: 'OpenTicket', deptid: 'sales' }).field).toBe(`${F}.deptid`);
    expect(refused({ operation: 'OpenTicket', deptid: 1, priority: 'Urgent' })).toMatchObject({ field: `${F}.priority`, message: expect.stringContaining('Low, Medium, High') });
    expect(refused({ operation: 'OpenTicket', deptid: 1, clientid: 4 })).toMatchObject({ field: `${F}.clientid`, message: expect.stringContaining('is not a setting of OpenTicket') });
    expect(refused({ operation: 'AddClientNote', sticky: 'yes' }).field).toBe(`${F}.sticky`);
    expect(refused({ operation: 'AddBillableItem', amount: 5 }).field).toBe(`${F}.description`);
    expect(refused({ operation: 'AddBillableItem', description: 'x', amount: -1 }).field).toBe(`${F}.amount`);
    expect(refused({ operation: 'AddBillableItem', description: 'x', amount: 1.234 }).field).toBe(`${F}.amount`);
    expect(refused({ operation: 'AddBillableItem', description: 'x', amount: 1, invoiceaction: 'duedate' }).field).toBe(`${F}.duedate`);
    expect(refused({ operation: 'AddBillableItem', description: 'x', amount: 1, invoiceaction: 'later' }).field).toBe(`${F}.invoiceaction`);
    expect(refused({ operation: 'TriggerNotificationEvent', title: 'x' }).field).toBe(`${F}.identifier`);
    expect(refused({ operation: 'TriggerNotificationEvent', identifier: 'x', statusStyle: 'warning' }).field).toBe(`${F}.statusStyle`);
    expect(refused({ operation: 'TriggerNotificationEvent', identifier: 'x', attributes: [{ label: 'a' }] }).field).toBe(`${F}.attributes[0].value`);
    expect(refused({ operation: 'TriggerNotificationEvent', identifier: 'x', attributes: ['a'] }).field).toBe(`${F}.attributes[0]`);
    expect(refused({ operation: 'SendEmail', subject: 42 }).field).toBe(`${F}.subject`);
  });

  it('takes a billable amount from a template, and numbers for attribute values', () => {
    expect(whmcsActionParams({ operation: 'AddBillableItem', description: 'Cleanup', amount: '{{count}}' }, F)).toMatchObject({ amount: '{{count}}', quantity: '1', invoiceaction: 'nextinvoice' });
    expect(whmcsActionParams({ operation: 'TriggerNotificationEvent', identifier: 'x', attributes: [{ label: 'Count', value: 5 }] }, F)).toMatchObject({ attributes: [{ label: 'Count', value: '5' }] });
  });
});
