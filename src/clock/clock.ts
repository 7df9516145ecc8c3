import { Global, Injectable, Module } from '@nestjs/common';

// The time, injected, so that tests can decide what "now" is (digest due computation, destination health).
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
