import { Injectable } from '@nestjs/common';
import { BrandsService } from '../brands/brands.service';
import type { ResolvedBrand } from '../templates/branded-email';

const TTL_MS = 5_000;

// A run sends thousands of digests of a few brands: each resolved once every few seconds, not once per email.
// (A brand change reaches the send path within TTL_MS.)
@Injectable()
export class DigestBrands {
  private readonly cache = new Map<string, { at: number; brand: Promise<ResolvedBrand> }>();

  constructor(private readonly brands: BrandsService) {}

  get(organizationId: string, brandId: string | null): Promise<ResolvedBrand> {
    const key = `${organizationId}:${brandId ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.brand;
    if (this.cache.size > 1000) this.cache.clear();
    const brand = this.brands.resolve(organizationId, brandId);
    this.cache.set(key, { at: Date.now(), brand });
    brand.catch(() => this.cache.delete(key));
    return brand;
  }
}
