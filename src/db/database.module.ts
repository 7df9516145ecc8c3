import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database } from './database';

@Injectable()
class DatabaseShutdown implements OnApplicationShutdown {
  constructor(private readonly db: Database) {}
  // Runs after every beforeApplicationShutdown hook (the job engine drains there), so nothing still needs the pool.
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}

@Global()
@Module({
  providers: [{ provide: Database, useFactory: (config: AppConfig) => Database.open(config), inject: [AppConfig] }, DatabaseShutdown],
  exports: [Database],
})
export class DatabaseModule {}
