import { ValidationError } from '../../errors/domain-error';
import { httpUrl, list, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const ONESIGNAL_API = 'https://api.onesignal.com';

// OneSignal push: an app, its App API key, and one targeting strategy per request (segments, external user ids,
// or subscription ids).
export const ONESIGNAL: KindSpec = {
  kind: 'onesignal',
  doc: 'OneSignal push to segments, users (external id) or subscriptions of an app',
  fields: {
    appId: { doc: 'the App ID (a UUID)', required: true, check: text({ max: 36, pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, hint: 'must be a UUID' }) },
    apiKey: { doc: 'the App API key, sent as Authorization: Key …', secret: true, required: true, check: text({ max: 200, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    segments: { doc: 'segment names, e.g. ["Subscribed Users"]', check: list(text({ max: 128 }), 50) },
    externalIds: { doc: 'users by external id (at most 2000)', check: list(text({ max: 128 }), 2000) },
    subscriptionIds: { doc: 'subscription (player) ids (at most 2000)', check: list(text({ max: 64, pattern: /^[0-9a-f-]{8,64}$/i, hint: 'must be a subscription id' }), 2000) },
    icon: { doc: 'the large icon URL, e.g. the brand’s logo', check: httpUrl() },
    apiUrl: { doc: `the API base URL (default ${ONESIGNAL_API})`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created'],
  refine: (c) => {
    const set = ['segments', 'externalIds', 'subscriptionIds'].filter((f) => Array.isArray(c[f]) && (c[f] as unknown[]).length > 0);
    if (set.length !== 1) {
      throw new ValidationError(`config.${set[1] ?? 'segments'}`, `a onesignal destination takes exactly one of config.segments, config.externalIds and config.subscriptionIds (one targeting strategy per request), ${set.length ? 'not several' : 'none given'}`);
    }
  },
};
