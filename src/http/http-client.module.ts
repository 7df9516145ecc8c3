import { Global, Module } from '@nestjs/common';
import { DnsResolver } from './dns-resolver';
import { HttpClient } from './http-client';

@Global()
@Module({ providers: [HttpClient, DnsResolver], exports: [HttpClient] })
export class HttpClientModule {}
