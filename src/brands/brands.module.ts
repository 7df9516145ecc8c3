import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { BrandAssetsController } from './brand-assets.controller';
import { BrandsController } from './brands.controller';
import { BrandsService } from './brands.service';

// White-label identities: CRUD, the lazily created default brand, uploaded logos, and resolve() for senders.
@Module({
  imports: [OrganizationsModule],
  controllers: [BrandsController, BrandAssetsController],
  providers: [BrandsService],
  exports: [BrandsService],
})
export class BrandsModule {}
