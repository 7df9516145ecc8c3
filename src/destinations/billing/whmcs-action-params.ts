import { amount, bool, choice, fail, id, operationParams, Params, str } from '../action-params-check';

// What a rule action asks of a WHMCS destination (actions[i].params), one operation each. Strings are Handlebars
// templates over the trigger's variables; subject and message default to the firing's own title and text.
//   OpenTicket            one ticket per incident: opened at the first firing, replied to by later ones, closed (a
//                         closing reply with status closeStatus) at the recovery
//   AddClientNote         a note on the client (sticky: shown across the account and on its tickets)
//   AddBillableItem       at most one per incident
//   TriggerNotificationEvent  WHMCS notification rules (Setup > Notifications) matching identifier
//   SendEmail             a custom "general" e-mail from WHMCS to the client
export const WHMCS_OPERATIONS = {
  OpenTicket: ['deptid', 'priority', 'subject', 'message', 'closeStatus', 'closeMessage', 'adminUsername'],
  AddClientNote: ['notes', 'sticky'],
  AddBillableItem: ['description', 'amount', 'quantity', 'invoiceaction', 'duedate'],
  TriggerNotificationEvent: ['identifier', 'title', 'message', 'url', 'statusStyle', 'status', 'attributes'],
  SendEmail: ['subject', 'message'],
} as const;
export type WhmcsOperation = keyof typeof WHMCS_OPERATIONS;

const PRIORITIES = ['Low', 'Medium', 'High'] as const;
const INVOICE_ACTIONS = ['noinvoice', 'nextcron', 'nextinvoice', 'duedate'] as const;
const STATUS_STYLES = ['success', 'danger', 'info'] as const;

export function whmcsActionParams(v: unknown, field: string): Params {
  const { op, p } = operationParams(v, field, WHMCS_OPERATIONS);
  const out: Params = { operation: op };
  const put = (k: string, x: unknown) => {
    if (x !== undefined) out[k] = x;
  };
  switch (op) {
    case 'OpenTicket':
      put('deptid', id(p, 'deptid', field, true));
      put('priority', choice(p, 'priority', field, PRIORITIES, 'Medium'));
      put('subject', str(p, 'subject', field, { max: 250 }));
      put('message', str(p, 'message', field));
      put('closeStatus', str(p, 'closeStatus', field, { max: 64, dflt: 'Closed' }));
      put('closeMessage', str(p, 'closeMessage', field));
      put('adminUsername', str(p, 'adminUsername', field, { max: 100 }));
      break;
    case 'AddClientNote':
      put('notes', str(p, 'notes', field));
      put('sticky', bool(p, 'sticky', field, false));
      break;
    case 'AddBillableItem': {
      put('description', str(p, 'description', field, { required: true, max: 500 }));
      put('amount', amount(p, 'amount', field, { required: true }));
      put('quantity', amount(p, 'quantity', field, { dflt: '1', min: 0.01 }));
      const action = choice(p, 'invoiceaction', field, INVOICE_ACTIONS, 'nextinvoice');
      put('invoiceaction', action);
      const due = str(p, 'duedate', field, { max: 100 });
      if (action === 'duedate' && !due) fail(`${field}.duedate`, 'is required when invoiceaction is duedate (YYYY-MM-DD)');
      if (due && !due.includes('{{') && !/^\d{4}-\d{2}-\d{2}$/.test(due)) fail(`${field}.duedate`, 'must be a date YYYY-MM-DD');
      put('duedate', due);
      break;
    }
    case 'TriggerNotificationEvent': {
      put('identifier', str(p, 'identifier', field, { required: true, max: 100 }));
      put('title', str(p, 'title', field, { max: 250 }));
      put('message', str(p, 'message', field));
      put('url', str(p, 'url', field, { max: 2000 }));
      put('statusStyle', choice(p, 'statusStyle', field, STATUS_STYLES));
      put('status', str(p, 'status', field, { max: 100 }));
      if (p.attributes !== undefined) {
        if (!Array.isArray(p.attributes) || p.attributes.length > 20) fail(`${field}.attributes`, 'must be a list of at most 20 {label, value, url?, style?, icon?}');
        out.attributes = (p.attributes as unknown[]).map((a, i) => {
          const f = `${field}.attributes[${i}]`;
          if (!a || typeof a !== 'object' || Array.isArray(a)) fail(f, 'must be an object {label, value, url?, style?, icon?}');
          const raw = a as Params;
          const given = { ...raw, value: typeof raw.value === 'number' ? String(raw.value) : raw.value, operation: 'attribute' };
          const { p: x } = operationParams(given, f, { attribute: ['label', 'value', 'url', 'style', 'icon'] });
          return Object.fromEntries(
            [['label', str(x, 'label', f, { required: true, max: 200 })], ['value', str(x, 'value', f, { required: true, max: 1000 })],
              ['url', str(x, 'url', f, { max: 2000 })], ['style', str(x, 'style', f, { max: 50 })], ['icon', str(x, 'icon', f, { max: 100 })]].filter(([, y]) => y !== undefined),
          );
        });
      }
      break;
    }
    case 'SendEmail':
      put('subject', str(p, 'subject', field, { max: 250 }));
      put('message', str(p, 'message', field));
      break;
  }
  return out;
}
