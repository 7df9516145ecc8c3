import { ValidationError } from '../../errors/domain-error';
import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const PUSHBULLET_API = 'https://api.pushbullet.com';

// Pushbullet: an access token, and at most one target (a device, an e-mail address or a channel; none: all of the
// token owner's devices).
export const PUSHBULLET: KindSpec = {
  kind: 'pushbullet',
  doc: 'Pushbullet push to a user’s devices, one device, an e-mail address or a channel',
  fields: {
    accessToken: { doc: 'the access token (o.…)', secret: true, required: true, check: text({ max: 100, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    deviceIden: { doc: 'one device’s iden', check: text({ max: 64, pattern: /^[A-Za-z0-9]+$/, hint: 'must be a device iden (letters and digits)' }) },
    email: { doc: 'an e-mail address to push to', check: text({ max: 254, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, hint: 'must be an e-mail address' }) },
    channelTag: { doc: 'a channel’s tag, to push to its subscribers', check: text({ max: 64, pattern: /^[A-Za-z0-9_-]+$/, hint: 'must be a channel tag (letters, digits, - and _)' }) },
    apiUrl: { doc: `the API base URL (default ${PUSHBULLET_API})`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
  refine: (c) => {
    const set = ['deviceIden', 'email', 'channelTag'].filter((f) => c[f] !== undefined);
    if (set.length > 1) throw new ValidationError(`config.${set[1]}`, `a pushbullet destination takes at most one of config.deviceIden, config.email and config.channelTag`);
  },
};
