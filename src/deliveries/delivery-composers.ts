import { Injectable } from '@nestjs/common';
import type { OutboundMessage } from '../destinations/destination';
import type { DeliveryRow } from './delivery-ledger';

// The message cannot be made, and trying again will not change that (customer gone, template broken): the delivery
// is dead until the operator fixes the cause and replays it.
export class ComposeError extends Error {}

// What a delivery says, composed for each attempt by the feature that caused it (rendered at send time, so that a
// replay after the operator fixed a template or a brand sends the fixed version).
export interface DeliveryComposer {
  compose(delivery: DeliveryRow): Promise<OutboundMessage>;
}

// The composers by cause type: causes register theirs (in onModuleInit), so the pipeline imports none of them.
@Injectable()
export class DeliveryComposers {
  private readonly byCause = new Map<string, DeliveryComposer>();

  register(causeType: string, composer: DeliveryComposer): void {
    if (this.byCause.has(causeType)) throw new Error(`a composer for cause ${causeType} is registered twice`);
    this.byCause.set(causeType, composer);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const composer = this.byCause.get(d.causeType);
    if (!composer) throw new ComposeError(`nothing composes a message for cause ${d.causeType}`);
    return composer.compose(d);
  }
}
