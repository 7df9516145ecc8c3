import { Injectable } from '@nestjs/common';
import { ValidationError } from '../errors/domain-error';
import { MonarxConnector } from './monarx/monarx-connector';
import { SimulatorConnector } from './simulator/simulator-connector';
import { VendorConnector } from './vendor-connector';

// The adapters this build knows, by vendor name.
@Injectable()
export class VendorConnectors {
  private readonly byVendor: Map<string, VendorConnector>;

  constructor(monarx: MonarxConnector, simulator: SimulatorConnector) {
    this.byVendor = new Map([monarx, simulator].map((c) => [c.vendor, c]));
  }

  get vendors(): string[] {
    return [...this.byVendor.keys()];
  }

  has(vendor: string): boolean {
    return this.byVendor.has(vendor);
  }

  get(vendor: string): VendorConnector {
    const c = this.byVendor.get(vendor);
    if (!c) throw new ValidationError('vendor', `unknown vendor "${vendor}" (known: ${this.vendors.join(', ')})`);
    return c;
  }
}
