// The cause type of a rule's deliveries, and the message type of its signed webhooks.
export const RULE_FIRED = 'rule.fired';
