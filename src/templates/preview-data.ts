import { Injectable } from '@nestjs/common';
import type { TemplateKind } from './template-kinds';

// Real data for a preview ("how would this customer's digest for that period look"), built by the feature that
// renders the kind (digests register theirs), so that templates import none of the features that render through them.
export interface PreviewDataSource {
  build(organizationId: string, customerId: string, kind: TemplateKind, period: { start: Date; end: Date }): Promise<object>;
}

@Injectable()
export class PreviewDataSources {
  private readonly byKind = new Map<TemplateKind, PreviewDataSource>();

  register(kinds: readonly TemplateKind[], source: PreviewDataSource): void {
    for (const kind of kinds) {
      if (this.byKind.has(kind)) throw new Error(`preview data for ${kind} is registered twice`);
      this.byKind.set(kind, source);
    }
  }

  get(kind: TemplateKind): PreviewDataSource | undefined {
    return this.byKind.get(kind);
  }
}
