import { httpUrl, oneOf, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const PAGERDUTY_HOSTS = { us: 'https://events.pagerduty.com', eu: 'https://events.eu.pagerduty.com' } as const;

// PagerDuty Events API v2: an integration's routing key (the body carries it; no auth header).
export const PAGERDUTY: KindSpec = {
  kind: 'pagerduty',
  doc: 'PagerDuty Events API v2 (trigger, resolve by dedup_key)',
  fields: {
    routingKey: { doc: 'the integration (routing) key, 32 characters (ruleset keys start with R)', secret: true, required: true, check: text({ max: 64, pattern: /^[A-Za-z0-9+]{20,64}$/, hint: 'must be an Events API v2 integration key' }) },
    region: { doc: 'us (default) or eu', check: oneOf(['us', 'eu']) },
    apiUrl: { doc: 'the Events API base URL (default by region)', target: true, check: httpUrl() },
    source: { doc: 'payload.source (default "hostdigest")', check: text({ max: 255 }) },
    component: { doc: 'payload.component', check: text({ max: 255 }) },
    group: { doc: 'payload.group', check: text({ max: 255 }) },
    class: { doc: 'payload.class', check: text({ max: 255 }) },
  },
  subscribes: ['security_event.created'],
};
