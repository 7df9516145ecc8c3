import type { KindSpec } from '../destination-kind';
import { SLACK } from './slack.kind';

// The chat, push and paging channels' specs (pure; their adapters are listed in channel-adapters.ts).
export const CHANNEL_KINDS: readonly KindSpec[] = [SLACK];
