import { httpUrl, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

// Discord: a channel webhook; its URL (id and token) is the credential.
export const DISCORD: KindSpec = {
  kind: 'discord',
  doc: 'Discord channel webhook',
  fields: {
    webhookUrl: {
      doc: 'the webhook URL (https://discord.com/api/webhooks/{id}/{token})', secret: true, required: true,
      check: httpUrl({ require: (u) => (/\/api\/(?:v\d+\/)?webhooks\/\d+\/[\w-]+\/?$/.test(u.pathname) ? null : 'must be a Discord webhook URL (…/api/webhooks/{id}/{token})') }),
    },
    username: { doc: 'the name the messages show (default: the webhook’s)', check: text({ max: 80 }) },
    avatarUrl: { doc: 'the avatar the messages show, e.g. the brand’s logo URL', check: httpUrl() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
