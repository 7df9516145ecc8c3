import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { DestinationsModule } from '../destinations/destinations.module';
import { DestinationTestsController } from './destination-tests.controller';
import { DestinationNotices } from './destination-notices';
import { DestinationTestsService } from './destination-tests.service';
import { TestMessageComposer } from './test-message.composer';

// Messages about destinations themselves (a cause of deliveries, beside the pipeline): the operator's test message
// and the destination.disabled / recovered notices.
@Module({
  imports: [DeliveriesModule, DestinationsModule, BrandsModule],
  controllers: [DestinationTestsController],
  providers: [DestinationTestsService, TestMessageComposer, DestinationNotices],
})
export class NoticesModule {}
