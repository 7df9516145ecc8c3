import { DestinationError } from './destination';
import type { DestinationThreads } from './threads/destination-threads';

// A thing that costs the customer money (a WHMCS billable item, a Blesta invoice) is created at most once per key
// (`billable:<incident key>`). The target cannot be asked whether an earlier attempt's create got through, so when an
// earlier attempt's answer was lost the delivery fails for good with a message for the operator, never a blind retry.
export async function oncePerKey(
  threads: DestinationThreads,
  destinationId: string,
  deliveryId: string,
  key: string,
  what: string, // e.g. 'WHMCS billable item'
  create: () => Promise<{ id: string; response: Record<string, unknown> }>,
  notTaken: (err: unknown) => boolean,
): Promise<Record<string, unknown>> {
  const claim = await threads.begin(destinationId, key, deliveryId);
  if (!claim.claimed) {
    if (claim.thread.state === 'creating') {
      if (claim.thread.deliveryId === deliveryId) throw lost(what, key); // unreachable in practice: begin() takes its own row over
      throw new DestinationError(`another delivery (${claim.thread.deliveryId}) is creating the ${what} of this incident; retried later`, false);
    }
    return { [idName(what)]: claim.thread.externalId, did: `nothing: the ${what} of this incident exists already` };
  }
  if (claim.interrupted) throw lost(what, key);
  try {
    const created = await create();
    await threads.opened(destinationId, key, created.id);
    return { did: 'created', ...created.response };
  } catch (err) {
    if (notTaken(err)) await threads.abandon(destinationId, key);
    throw err;
  }
}

const idName = (what: string) => (/invoice/i.test(what) ? 'invoice' : 'billableid');

function lost(what: string, key: string): DestinationError {
  return new DestinationError(
    `an earlier attempt to create the ${what} of this incident (${key}) got no answer, so it may exist already; it is not created again ` +
      `automatically: check the client's account and add it by hand if it is missing`,
    true,
  );
}
