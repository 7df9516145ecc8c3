import { Injectable, OnModuleInit } from '@nestjs/common';
import { ComposeError, DeliveryComposer, DeliveryComposers } from '../deliveries/delivery-composers';
import type { DeliveryRow } from '../deliveries/delivery-ledger';
import type { OutboundMessage } from '../destinations/destination';
import { RULE_FIRED } from './rule-fired';

interface FiringPayload {
  id: string;
  group: string;
  incident: string;
  firedAt: string;
  suppressed: number;
  eventCount: number;
  more: number;
  data: Record<string, unknown>;
  events: Record<string, unknown>[];
  customer: Record<string, unknown> | null;
}

export interface RuleFiredPayload {
  rule: { id: string; name: string };
  trigger: string;
  action: { destinationId: string; templateKind?: string; params?: Record<string, unknown> };
  sentAt: string;
  firings: FiringPayload[];
}

// What a rule's delivery says, from what was snapshotted at firing time. A signed webhook gets
// {type: 'rule.fired', data: {rule, trigger, group, incident, events (up to 50), more, suppressed, ...}}; firings held
// together by quiet hours come as one message with `firings`. Params are passed on for the adapters that read them.
@Injectable()
export class RuleFiredComposer implements DeliveryComposer, OnModuleInit {
  constructor(private readonly composers: DeliveryComposers) {}

  onModuleInit(): void {
    this.composers.register(RULE_FIRED, this);
  }

  async compose(d: DeliveryRow): Promise<OutboundMessage> {
    const p = d.payload as unknown as RuleFiredPayload;
    if (!p?.rule?.id || !Array.isArray(p.firings) || !p.firings.length) throw new ComposeError('the delivery holds no firing');
    const base = { rule: p.rule, trigger: p.trigger, params: p.action?.params ?? {} };
    const one = (f: FiringPayload) => ({
      firingId: f.id, group: f.group, incident: f.incident, firedAt: new Date(f.firedAt).toISOString(), customer: f.customer,
      suppressed: f.suppressed, eventCount: f.eventCount, events: f.events, more: f.more, ...f.data,
    });
    const data = p.firings.length === 1 ? { ...base, ...one(p.firings[0]) } : { ...base, heldByQuietHours: true, firings: p.firings.map(one) };
    return { event: { type: RULE_FIRED, timestamp: new Date(p.sentAt).toISOString(), data } };
  }
}
