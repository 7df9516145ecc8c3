import { Injectable, OnModuleInit } from '@nestjs/common';
import { PreviewDataSource, PreviewDataSources } from '../templates/preview-data';
import { DIGEST_KINDS, TemplateKind } from '../templates/template-kinds';
import { DigestData } from './digest-data';
import type { Cadence } from './digest-period';

// The template editor's previews of digest kinds with a real customer and period: what that digest would show.
@Injectable()
export class DigestPreviewData implements PreviewDataSource, OnModuleInit {
  constructor(
    private readonly sources: PreviewDataSources,
    private readonly data: DigestData,
  ) {}

  onModuleInit(): void {
    this.sources.register(DIGEST_KINDS, this);
  }

  build(organizationId: string, customerId: string, kind: TemplateKind, period: { start: Date; end: Date }): Promise<object> {
    return this.data.build(organizationId, customerId, kind.slice('digest.'.length) as Cadence, period);
  }
}
