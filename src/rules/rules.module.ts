import { Module } from '@nestjs/common';
import { DestinationsModule } from '../destinations/destinations.module';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

// Rules: what turns events into actions (/v1/rules), written into the one delivery pipeline.
@Module({
  imports: [DestinationsModule],
  controllers: [RulesController],
  providers: [RulesService],
  exports: [RulesService],
})
export class RulesModule {}
