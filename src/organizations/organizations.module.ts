import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { BootstrapService } from './bootstrap.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({
  imports: [ApiKeysModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsService, BootstrapService],
  exports: [OrganizationsService, BootstrapService],
})
export class OrganizationsModule {}
