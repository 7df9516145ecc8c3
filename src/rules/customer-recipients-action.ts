import { customerRecipientsSql } from '../digests/customer-recipients-sql';
import { RULE_FIRED } from './rule-fired';

// The deliveries of a firing's actions {recipients: 'customer'}: the implicit e-mail destination of a customer, as
// digests reach it (destination 'email', no destination id, `to` in the payload), addressed when the firing is sent (for
// a rule without a group window, at the event: in the statement that stored it). Only a firing of one customer has
// recipients, and a customer with none (or not active) gets no delivery. A SELECT for DeliveryOutbox.insertSql with
// destination_id, over the send statement's `body` and parameters ($2 rule, $3 cause id, $4 key part, $5 sent at).
export const CUSTOMER_RECIPIENTS_SELECT = `
  SELECT r.organization_id, body.customer_id, 'email', '${RULE_FIRED}', $3,
         '${RULE_FIRED}:' || r.id || ':' || $4 || ':customer',
         jsonb_build_object('to', to_jsonb(rc.recipients), 'rule', jsonb_build_object('id', r.id, 'name', r.name), 'trigger', r.trigger_type,
                            'action', a.action, 'sentAt', $5::timestamptz, 'firings', body.firings),
         NULL::uuid
  FROM rules r CROSS JOIN body
  CROSS JOIN LATERAL jsonb_array_elements(r.actions) AS a(action)
  CROSS JOIN LATERAL (SELECT ${customerRecipientsSql('body.customer_id')} AS recipients) rc
  WHERE r.id = $2 AND a.action ->> 'recipients' = 'customer' AND body.customers = 1 AND cardinality(rc.recipients) > 0`;
