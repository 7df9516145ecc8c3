import { ValidationError } from '../errors/domain-error';

// What each vendor needs before it can be polled, checked when an account is saved.
const REQUIRED: Record<string, { settings: string[]; credentials: string[] }> = {
  monarx: { settings: ['enterpriseId'], credentials: ['apiId', 'apiSecret'] },
  simulator: { settings: [], credentials: [] },
};

export function checkVendorRequirements(vendor: string, settings: Record<string, unknown>, credentials: Record<string, unknown>): void {
  const req = REQUIRED[vendor];
  if (!req) return;
  for (const s of req.settings) {
    if (settings[s] === undefined || settings[s] === null || settings[s] === '') throw new ValidationError(`settings.${s}`, `${vendor} needs settings.${s}`);
  }
  for (const c of req.credentials) {
    if (typeof credentials[c] !== 'string' || credentials[c] === '') throw new ValidationError(`credentials.${c}`, `${vendor} needs credentials.${c} (a value, or env:NAME)`);
  }
  for (const [k, v] of Object.entries(credentials)) {
    if (typeof v !== 'string') throw new ValidationError(`credentials.${k}`, `credentials.${k} must be a string`);
  }
}
