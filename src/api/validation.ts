import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from '../errors/domain-error';

// The first failing field, by its full path (`sites[2].domain`), with a sentence a person can act on.
export function firstFieldError(errors: ClassValidatorError[], parent = ''): ValidationError {
  for (const e of errors) {
    const path = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints && Object.keys(e.constraints).length) {
      const [key, message] = Object.entries(e.constraints)[0];
      if (key === 'whitelistValidation') return new ValidationError(path, `unknown field "${path}"`);
      return new ValidationError(path, message);
    }
    if (e.children?.length) return firstFieldError(e.children, path);
  }
  return new ValidationError('body', 'request is invalid');
}

// A body DTO is an object: a top-level array or a bare value is named as such (class-transformer would otherwise turn
// an array into an object whose fields are "0", "1", ... and answer `unknown field "0"`).
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && value !== null && this.toValidate(metadata)) {
      if (Array.isArray(value)) throw new ValidationError('body', 'request body must be a JSON object, not an array');
      if (typeof value !== 'object') throw new ValidationError('body', `request body must be a JSON object, not a ${typeof value}`);
    }
    return super.transform(value, metadata);
  }
}

export function validationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => firstFieldError(errors),
  });
}
