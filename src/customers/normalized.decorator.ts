import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

// Validates a string (or each string of an array) with one of the normalizers in fields.ts and stores its normal form,
// so the API and the CSV import share one definition of a valid domain, e-mail, locale or time zone.
export function Normalized(normalize: (s: string) => string | null, message: string, opts: { each?: boolean } = {}): PropertyDecorator {
  const one = (v: unknown) => (typeof v === 'string' ? (normalize(v) ?? v) : v);
  return applyDecorators(
    Transform(({ value }) => (opts.each && Array.isArray(value) ? value.map(one) : one(value))),
    ValidateBy(
      { name: 'normalized', validator: { validate: (v: unknown) => typeof v === 'string' && normalize(v) === v, defaultMessage: () => message } },
      { each: opts.each },
    ),
  );
}
