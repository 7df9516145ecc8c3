import { quietHold } from './quiet-hours';
import type { QuietHours } from './rule-definition';

// A channel a rule's contact target expanded to, with its contact's zone and quiet hours.
export interface MemberChannel {
  destinationId: string;
  timeZone: string;
  quietHours: Omit<QuietHours, 'timeZone'> | null;
}

// When each member channel's delivery may go: now (null), or the end of its contact's quiet hours in the contact's
// own zone, unless the firing's most severe event reaches the contact's bypass severity. Each member decides for
// themselves: one asleep does not hold another's message.
export function memberSendTimes(channels: MemberChannel[], at: Date, maxSeverity: string | null): Map<string, Date | null> {
  return new Map(channels.map((c) => [c.destinationId, c.quietHours ? quietHold({ ...c.quietHours, timeZone: c.timeZone }, at, c.timeZone, maxSeverity) : null]));
}
