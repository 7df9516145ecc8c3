import { flag, httpUrl, integer, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const PUSHOVER_API = 'https://api.pushover.net';
const KEY = { max: 30, min: 30, pattern: /^[A-Za-z0-9]{30}$/, hint: 'must be 30 letters and digits' };

// Pushover: an application token and a user (or group) key.
export const PUSHOVER: KindSpec = {
  kind: 'pushover',
  doc: 'Pushover application → user or group',
  fields: {
    appToken: { doc: 'the application API token', secret: true, required: true, check: text(KEY) },
    userKey: { doc: 'the user or group key', secret: true, required: true, check: text(KEY) },
    device: { doc: 'device names, comma-separated (default: all the user’s devices)', check: text({ max: 200, pattern: /^[A-Za-z0-9_,-]+$/, hint: 'must be device names separated by commas' }) },
    sound: { doc: 'a Pushover sound name', check: text({ max: 30, pattern: /^[a-z0-9_-]+$/, hint: 'must be a sound name' }) },
    emergency: { doc: 'critical messages at emergency priority 2, repeated until acknowledged (default false: priority 1)', check: flag() },
    retrySeconds: { doc: 'emergency: seconds between repeats, at least 30 (default 900)', check: integer(30, 10_800) },
    expireSeconds: { doc: 'emergency: seconds until repeats stop, at most 10800 (default 3600)', check: integer(30, 10_800) },
    apiUrl: { doc: `the API base URL (default ${PUSHOVER_API})`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
