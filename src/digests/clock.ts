import { Injectable } from '@nestjs/common';

// The time, injected, so that tests can decide what "now" is for due computation.
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
