import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { BrandAssetsController } from './brand-assets.controller';
import { BrandsController } from './brands.controller';
import { BrandsService } from './brands.service';
import { LogoBodyMiddleware } from './logo-body.middleware';

// White-label identities: CRUD, the lazily created default brand, uploaded logos, and resolve() for senders.
@Module({
  imports: [OrganizationsModule],
  controllers: [BrandsController, BrandAssetsController],
  providers: [BrandsService],
  exports: [BrandsService],
})
export class BrandsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(LogoBodyMiddleware).forRoutes({ path: 'v1/brands/:id/logo', method: RequestMethod.PUT });
  }
}
