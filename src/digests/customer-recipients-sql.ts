// A customer's digest settings as other features read them inside their own statements (rules match and address
// events set-based, in the statement that stores them), so that they and digests read the settings the same way.

// Whether the event `e` (columns kind, customer_id) is of a kind its customer sends at once instead of leaving it to the
// digest: urgentKinds, while digests are not off and the customer is active.
export const urgentKindOfCustomerSql = (e: string) => `EXISTS (
  SELECT 1 FROM digest_subscriptions us JOIN customers uc ON uc.id = us.customer_id AND uc.status = 'active'
  WHERE us.customer_id = ${e}.customer_id AND us.cadence <> 'off' AND ${e}.kind = ANY(us.urgent_kinds))`;

// The e-mail addresses a customer's own messages go to (text[]): the digest recipients, else the customer's addresses;
// none for a customer that is not active. `customerId` is an SQL expression.
export const customerRecipientsSql = (customerId: string) => `coalesce((
  SELECT CASE WHEN cardinality(rs.recipients) > 0 THEN rs.recipients ELSE rc.emails END
  FROM customers rc LEFT JOIN digest_subscriptions rs ON rs.customer_id = rc.id
  WHERE rc.id = ${customerId} AND rc.status = 'active'), '{}'::text[])`;
