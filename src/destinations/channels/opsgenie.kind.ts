import { httpUrl, list, oneOf, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const OPSGENIE_HOSTS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;

// Opsgenie Alert API v2: an API integration's key.
export const OPSGENIE: KindSpec = {
  kind: 'opsgenie',
  doc: 'Opsgenie alerts (create with an alias, close by alias)',
  fields: {
    apiKey: { doc: 'an API integration key (GenieKey)', secret: true, required: true, check: text({ max: 100, pattern: /^[A-Za-z0-9-]{8,}$/, hint: 'must be an Opsgenie API key' }) },
    region: { doc: 'us (default) or eu (api.eu.opsgenie.com)', check: oneOf(['us', 'eu']) },
    apiUrl: { doc: 'the API base URL (default by region)', target: true, check: httpUrl() },
    tags: { doc: 'alert tags (at most 20, each ≤ 50 characters)', check: list(text({ max: 50 }), 20) },
    entity: { doc: 'the alert entity', check: text({ max: 512 }) },
    source: { doc: 'the alert source (default "hostdigest")', check: text({ max: 100 }) },
  },
  subscribes: ['security_event.created'],
};
