import type { UnknownPolicy } from '../config/app-config';

// How many times a send cut off after its claim (outcome unknown: the server may have the message) is sent again
// on its own, under the same Message-ID, before it is left to the operator. `resend`: once, because a missing digest
// or alert goes unnoticed while a second copy with the same Message-ID is commonly dropped by the receiving system
// (and is at worst a visible duplicate); more than once would turn a send that keeps crashing its worker into a loop.
// `hold`: never (the row stays `unknown` / the delivery `dead`).
export function automaticResends(policy: UnknownPolicy): number {
  return policy === 'resend' ? 1 : 0;
}
