import type { HttpClient } from '../../http/http-client';
import type { Destination } from '../destination';
import { SlackDestination } from './slack.destination';

// The chat, push and paging channels' adapters, each built with the one HttpClient (their specs: channel-kinds.ts).
export const CHANNEL_ADAPTERS: readonly (new (http: HttpClient) => Destination)[] = [SlackDestination];
