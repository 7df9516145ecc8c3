import { Module } from '@nestjs/common';
import { AdminAssets } from './admin-assets';
import { AdminController } from './admin.controller';

// The web editor for brands and templates, served at /admin; it calls the public /v1 API with the operator's key.
@Module({ controllers: [AdminController], providers: [AdminAssets] })
export class AdminModule {}
