import type { DestinationAdapterClass } from '../destination';
import { FreshdeskDestination } from './freshdesk.destination';
import { HelpScoutDestination } from './helpscout.destination';
import { OsTicketDestination } from './osticket.destination';
import { ZendeskDestination } from './zendesk.destination';

// The helpdesks' adapters, each built with the one HttpClient and the thread store (their specs: helpdesk-kinds.ts).
export const HELPDESK_ADAPTERS: readonly DestinationAdapterClass[] = [ZendeskDestination, FreshdeskDestination, OsTicketDestination, HelpScoutDestination];
