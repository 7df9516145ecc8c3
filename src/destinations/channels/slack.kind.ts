import { ValidationError } from '../../errors/domain-error';
import { flag, httpUrl, text } from '../config-fields';
import { oneWay, KindSpec } from '../destination-kind';

export const SLACK_API = 'https://slack.com/api';

// Slack: an incoming webhook (its URL is the credential), or a bot token posting to a channel with chat.postMessage.
export const SLACK: KindSpec = {
  kind: 'slack',
  doc: 'Slack incoming webhook, or bot token + channel (chat.postMessage)',
  fields: {
    webhookUrl: { doc: 'the incoming webhook URL (https://hooks.slack.com/services/T…/B…/…)', secret: true, check: httpUrl() },
    botToken: { doc: 'a bot token (xoxb-…) with chat:write', secret: true, check: text({ max: 300, pattern: /^(?:xoxe\.)?xox[abp]-[A-Za-z0-9-]+$/, hint: 'must be a Slack token (xoxb-…)' }) },
    channel: { doc: 'with a bot token: the channel ID (C…) or #name', check: text({ max: 80, pattern: /^[#@]?[A-Za-z0-9._-]+$/, hint: 'must be a channel ID (C…) or #name' }) },
    apiUrl: { doc: `with a bot token: the Web API base URL (default ${SLACK_API})`, target: true, check: httpUrl() },
    brandIcon: { doc: "the brand's logo as each message's icon (icon_url): a bot needs the chat:write.customize scope; only a legacy custom-integration webhook honours it", check: flag() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
  refine: (c, has) => {
    oneWay('slack', 'webhookUrl', 'botToken', has);
    if (has('botToken') && !has('channel')) throw new ValidationError('config.channel', 'config.channel is required with a bot token: the channel ID (C…) or #name');
    if (has('webhookUrl') && (c.channel !== undefined || c.apiUrl !== undefined)) {
      throw new ValidationError(c.channel !== undefined ? 'config.channel' : 'config.apiUrl', 'an incoming webhook posts to the channel it was created for: config.channel and config.apiUrl apply to a bot token only');
    }
  },
};
