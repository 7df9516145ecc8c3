import { Injectable } from '@nestjs/common';

// The channel destination kinds a channel template may override parts for (byKind), registered by destinations/
// (which imports templates/, so templates/ cannot import its kind list).
@Injectable()
export class ChannelKindNames {
  private readonly names = new Set<string>();

  register(names: readonly string[]): void {
    for (const n of names) this.names.add(n);
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  list(): string[] {
    return [...this.names].sort();
  }
}
