import type { DestinationAdapterClass } from '../destination';
import { DiscordDestination } from './discord.destination';
import { GoogleChatDestination } from './google-chat.destination';
import { GotifyDestination } from './gotify.destination';
import { NtfyDestination } from './ntfy.destination';
import { OpsgenieDestination } from './opsgenie.destination';
import { PagerDutyDestination } from './pagerduty.destination';
import { PushoverDestination } from './pushover.destination';
import { SlackDestination } from './slack.destination';
import { TeamsDestination } from './teams.destination';
import { TelegramDestination } from './telegram.destination';
import { OneSignalDestination } from './onesignal.destination';
import { PushbulletDestination } from './pushbullet.destination';
import { PusherBeamsDestination } from './pusher-beams.destination';
import { VonageMessagesDestination } from './vonage-messages.destination';
import { VonageSmsDestination } from './vonage.destination';
import { TwilioSmsDestination, TwilioVoiceDestination, TwilioWhatsAppDestination } from './twilio.destination';

// The chat, push and paging channels' adapters, each built with the one HttpClient (their specs: channel-kinds.ts).
export const CHANNEL_ADAPTERS: readonly DestinationAdapterClass[] = [
  SlackDestination, DiscordDestination, NtfyDestination, TeamsDestination, GoogleChatDestination, TelegramDestination,
  PagerDutyDestination, OpsgenieDestination, GotifyDestination, PushoverDestination,
  TwilioSmsDestination, TwilioVoiceDestination, TwilioWhatsAppDestination, VonageSmsDestination, VonageMessagesDestination,
  PushbulletDestination, OneSignalDestination, PusherBeamsDestination,
];
