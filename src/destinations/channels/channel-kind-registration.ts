import { Injectable, OnModuleInit } from '@nestjs/common';
import { ChannelKindNames } from '../../templates/channel-kind-names';
import { CHANNEL_KINDS } from './channel-kinds';

// Tells templates/ which destination kinds a channel template may override parts for (byKind).
@Injectable()
export class ChannelKindRegistration implements OnModuleInit {
  constructor(private readonly names: ChannelKindNames) {}

  onModuleInit(): void {
    this.names.register(CHANNEL_KINDS.map((s) => s.kind));
  }
}
