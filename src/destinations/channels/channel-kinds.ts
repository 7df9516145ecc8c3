import type { KindSpec } from '../destination-kind';
import { DISCORD } from './discord.kind';
import { GOOGLE_CHAT } from './google-chat.kind';
import { GOTIFY } from './gotify.kind';
import { NTFY } from './ntfy.kind';
import { OPSGENIE } from './opsgenie.kind';
import { PAGERDUTY } from './pagerduty.kind';
import { PUSHOVER } from './pushover.kind';
import { SLACK } from './slack.kind';
import { TEAMS } from './teams.kind';
import { TELEGRAM } from './telegram.kind';
import { ONESIGNAL } from './onesignal.kind';
import { PUSHBULLET } from './pushbullet.kind';
import { PUSHER_BEAMS } from './pusher-beams.kind';
import { VONAGE_MESSAGES } from './vonage-messages.kind';
import { VONAGE_SMS } from './vonage.kind';
import { TWILIO_SMS, TWILIO_VOICE, TWILIO_WHATSAPP } from './twilio.kind';

// The chat, push and paging channels' specs (pure; their adapters are listed in channel-adapters.ts).
export const CHANNEL_KINDS: readonly KindSpec[] = [
  SLACK, DISCORD, NTFY, TEAMS, GOOGLE_CHAT, TELEGRAM, PAGERDUTY, OPSGENIE, GOTIFY, PUSHOVER,
  TWILIO_SMS, TWILIO_VOICE, TWILIO_WHATSAPP, VONAGE_SMS, VONAGE_MESSAGES,
  PUSHBULLET, ONESIGNAL, PUSHER_BEAMS,
];

// The kinds that send a message's text form (channel-message.ts): their causes render it from the brand's channel
// templates (OutboundMessage.text).
export const isChannelKind = (kind: string): boolean => CHANNEL_KINDS.some((s) => s.kind === kind);
