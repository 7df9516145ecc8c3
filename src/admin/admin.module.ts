import { Module } from '@nestjs/common';
import { AdminAssets } from './admin-assets';
import { AdminController } from './admin.controller';
import { HomeController } from './home.controller';

// The web editor for brands and templates, served at /admin; it calls the public /v1 API with the operator's key.
// The page at / points a newcomer to it, to the API docs and to health.
@Module({ controllers: [AdminController, HomeController], providers: [AdminAssets] })
export class AdminModule {}
