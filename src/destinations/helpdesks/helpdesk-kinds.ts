import type { KindSpec } from '../destination-kind';
import { FRESHDESK } from './freshdesk.kind';
import { HELPSCOUT } from './helpscout.kind';
import { OSTICKET } from './osticket.kind';
import { ZENDESK } from './zendesk.kind';

// The helpdesks' specs (pure; their adapters are listed in helpdesk-adapters.ts).
export const HELPDESK_KINDS: readonly KindSpec[] = [ZENDESK, FRESHDESK, OSTICKET, HELPSCOUT];
