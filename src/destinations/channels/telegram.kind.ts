import { flag, httpUrl, integer, text } from '../config-fields';
import type { KindSpec } from '../destination-kind';

export const TELEGRAM_API = 'https://api.telegram.org';

// Telegram: a bot's token and the chat it posts to.
export const TELEGRAM: KindSpec = {
  kind: 'telegram',
  doc: 'Telegram bot (sendMessage, MarkdownV2)',
  fields: {
    botToken: { doc: 'the bot token from @BotFather (123456789:AA…)', secret: true, required: true, check: text({ max: 100, pattern: /^\d{3,}:[A-Za-z0-9_-]{20,}$/, hint: 'must be a bot token (123456789:AA…)' }) },
    chatId: { doc: 'the chat: a numeric id (-100… for groups) or @channelname', required: true, check: text({ max: 64, pattern: /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,})$/, hint: 'must be a numeric chat id or @channelname' }) },
    messageThreadId: { doc: 'a forum topic id', check: integer(1, 2 ** 31) },
    silent: { doc: 'deliver without sound', check: flag() },
    apiUrl: { doc: `the Bot API server (default ${TELEGRAM_API}; or a self-hosted telegram-bot-api)`, target: true, check: httpUrl() },
  },
  subscribes: ['security_event.created', 'digest.sent'],
};
