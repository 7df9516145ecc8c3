import { ValidationError } from '../../errors/domain-error';
import { httpUrl, list, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Pusher Beams: an instance, its secret key, and the interests (topics) devices subscribed to.
export const PUSHER_BEAMS: KindSpec = {
  kind: 'pusherbeams',
  doc: 'Pusher Beams push to the devices subscribed to interests',
  fields: {
    instanceId: { doc: 'the instance id (a UUID)', required: true, check: text({ max: 36, pattern: UUID, hint: 'must be a UUID' }) },
    secretKey: { doc: 'the instance’s primary secret key, sent as Bearer', secret: true, required: true, check: text({ max: 200, pattern: /^[\x21-\x7e]+$/, hint: 'must be printable ASCII without spaces' }) },
    interests: {
      doc: '1 to 100 interests, each up to 164 of A–Z a–z 0–9 _ - = @ , . ;', required: true,
      check: (v, field) => {
        const items = list(text({ max: 164, pattern: /^[-_=@,.;A-Za-z0-9]+$/, hint: 'must be letters, digits and _ - = @ , . ; only' }), 100)(v, field) as string[];
        if (!items.length) throw new ValidationError(field, `${field} must name at least one interest`);
        return items;
      },
    },
    icon: { doc: 'the web notification icon URL, e.g. the brand’s logo', check: httpUrl() },
    apiUrl: { doc: 'the API base URL (default https://{instanceId}.pushnotifications.pusher.com)', target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created'],
};
