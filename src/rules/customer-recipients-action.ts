import { customerRecipientsSql } from '../digests/customer-recipients-sql';
import { RULE_FIRED } from './rule-fired';

// The deliveries of a message's actions {recipients: 'customer'}: the implicit e-mail destination of a customer, as
// digests reach it (destination 'email', no destination id, `to` in the payload), addressed when the firing is sent (for
// a rule without a group window, at the event: in the statement that stored it). Only a message about one customer has
// recipients, and a customer with none (or not active) gets no delivery. A SELECT for DeliveryOutbox.insertSql with
// destination_id, over the send statement's `body` (a row per message: rule_id, cause_id, key_part, firings,
// customer_id, customers) and $2, the time it is sent.
export const CUSTOMER_RECIPIENTS_SELECT = `
  SELECT r.organization_id, body.customer_id, 'email', '${RULE_FIRED}', body.cause_id,
         '${RULE_FIRED}:' || r.id || ':' || body.key_part || ':customer',
         jsonb_build_object('to', to_jsonb(rc.recipients), 'rule', jsonb_build_object('id', r.id, 'name', r.name), 'trigger', r.trigger_type,
                            'action', a.action, 'sentAt', $2::timestamptz, 'firings', body.firings),
         NULL::uuid
  FROM body JOIN rules r ON r.id = body.rule_id
  CROSS JOIN LATERAL jsonb_array_elements(r.actions) AS a(action)
  CROSS JOIN LATERAL (SELECT ${customerRecipientsSql('body.customer_id')} AS recipients) rc
  WHERE a.action ->> 'recipients' = 'customer' AND body.customers = 1 AND cardinality(rc.recipients) > 0`;
