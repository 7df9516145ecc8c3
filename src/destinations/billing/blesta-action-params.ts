import { amount, bool, choice, fail, id, operationParams, Params, str } from '../action-params-check';

// What a rule action asks of a Blesta destination (actions[i].params), one operation each; strings are Handlebars
// templates over the trigger's variables, summary and details default to the firing's own title and text.
//   ticket   support_manager plugin: one ticket per incident, opened, replied to, closed (status closeStatus)
//   note     a client note (clients/addNote)
//   invoice  a draft (or active) invoice with one line, at most one per incident (invoices/add)
export const BLESTA_OPERATIONS = {
  ticket: ['departmentId', 'priority', 'summary', 'details', 'staffId', 'closeStatus', 'closeDetails'],
  note: ['title', 'description', 'stickied'],
  invoice: ['description', 'amount', 'qty', 'currency', 'status', 'dueDays'],
} as const;
export type BlestaOperation = keyof typeof BLESTA_OPERATIONS;

const PRIORITIES = ['emergency', 'critical', 'high', 'medium', 'low'] as const;
const CLOSE_STATUSES = ['closed', 'awaiting_reply', 'in_progress', 'on_hold'] as const;

export function blestaActionParams(v: unknown, field: string): Params {
  const { op, p } = operationParams(v, field, BLESTA_OPERATIONS);
  const out: Params = { operation: op };
  const put = (k: string, x: unknown) => {
    if (x !== undefined) out[k] = x;
  };
  switch (op) {
    case 'ticket':
      put('departmentId', id(p, 'departmentId', field, true));
      put('priority', choice(p, 'priority', field, PRIORITIES, 'medium'));
      put('summary', str(p, 'summary', field, { max: 230 }));
      put('details', str(p, 'details', field));
      put('staffId', id(p, 'staffId', field, false));
      put('closeStatus', choice(p, 'closeStatus', field, CLOSE_STATUSES, 'closed'));
      put('closeDetails', str(p, 'closeDetails', field));
      break;
    case 'note':
      put('title', str(p, 'title', field, { max: 255 }));
      put('description', str(p, 'description', field));
      put('stickied', bool(p, 'stickied', field, false));
      break;
    case 'invoice': {
      put('description', str(p, 'description', field, { required: true, max: 500 }));
      put('amount', amount(p, 'amount', field, { required: true }));
      put('qty', amount(p, 'qty', field, { dflt: '1', min: 1 }));
      const currency = str(p, 'currency', field, { required: true, max: 3 });
      if (currency && !/^[A-Z]{3}$/.test(currency)) fail(`${field}.currency`, 'must be an ISO 4217 code such as USD');
      put('currency', currency);
      put('status', choice(p, 'status', field, ['draft', 'active'] as const, 'draft'));
      const due = p.dueDays ?? 14;
      if (typeof due !== 'number' || !Number.isInteger(due) || due < 0 || due > 365) fail(`${field}.dueDays`, 'must be a whole number of days from 0 to 365');
      put('dueDays', due);
      break;
    }
  }
  return out;
}
