// Services throw these; the one HTTP filter turns them into `{code, message, field?}` with the status.
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  // Another organization's ids are simply not found: 404, never 403.
  constructor(what: string, id?: string) {
    super('not_found', id ? `${what} ${id} not found` : `${what} not found`, 404);
  }
}

export class ValidationError extends DomainError {
  constructor(field: string, message: string) {
    super('validation_failed', message, 400, field);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, field?: string) {
    super(code, message, 409, field);
  }
}

// For `.catch(orNullIfNotFound)`: a thing that is gone is null; any other failure (the database) still fails, to be retried.
export function orNullIfNotFound(err: unknown): null {
  if (err instanceof NotFoundError) return null;
  throw err;
}
