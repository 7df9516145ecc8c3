import { Injectable } from '@nestjs/common';
import { ComposeError } from '../deliveries/delivery-composers';
import { TemplateCompileError, TemplateRenderError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';

// The variables a firing gives an action's params (trigger-variables.ts lists them per trigger; rule-check refused
// any other at save time), from what the delivery snapshotted.
export interface FiringVariables {
  rule: { id: string; name: string };
  organization: string;
  group: string;
  incident: string;
  firedAt: string;
  customer: Record<string, unknown> | null;
  suppressed: number;
  events: Record<string, unknown>[];
  more: number;
  data: Record<string, unknown>; // the trigger's own: count, threshold, windowSeconds / state, from, to / period, counters
}

export function paramsContext(v: FiringVariables): Record<string, unknown> {
  const first = v.events[0] ?? null;
  return {
    rule: v.rule, organization: v.organization, group: v.group, incident: v.incident, firedAt: v.firedAt, customer: v.customer ?? {},
    suppressed: v.suppressed, events: v.events, more: v.more, event: first ?? {},
    site: first ? { id: first.siteId ?? null, domain: first.domain ?? null } : {}, server: first?.server ?? null,
    ...v.data,
  };
}

// An action's params as the adapter receives them: every string rendered as Handlebars over the firing's variables,
// in the template sandbox off the event loop (templates/), so a target system gets text, never a template.
@Injectable()
export class ActionParams {
  constructor(private readonly templates: TemplatesService) {}

  async render(params: Record<string, unknown>, vars: FiringVariables): Promise<Record<string, unknown>> {
    if (!Object.keys(params).length) return params;
    try {
      return (await this.templates.renderValues(params, paramsContext(vars))) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof TemplateRenderError || err instanceof TemplateCompileError) throw new ComposeError(`action params: ${err.message}`);
      throw err;
    }
  }
}
