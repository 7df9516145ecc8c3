import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
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

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => firstFieldError(errors),
  });
}
