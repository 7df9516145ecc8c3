import { ValidationError } from '../errors/domain-error';
import { checkContactQuietHours, checkTimeZone } from './contact-check';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
};

describe('checkTimeZone', () => {
  it('takes IANA zones and names the field for anything else', () => {
    expect(checkTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(checkTimeZone('UTC')).toBe('UTC');
    expect(fieldOf(() => checkTimeZone('Mars/Olympus'))).toBe('timeZone');
    expect(fieldOf(() => checkTimeZone(''))).toBe('timeZone');
    expect(fieldOf(() => checkTimeZone(42))).toBe('timeZone');
  });
});

describe('checkContactQuietHours', () => {
  it('keeps start, end and bypassSeverity; null or absent is none', () => {
    expect(checkContactQuietHours({ start: '22:00', end: '07:00', bypassSeverity: 'critical' })).toEqual({ start: '22:00', end: '07:00', bypassSeverity: 'critical' });
    expect(checkContactQuietHours({ start: '08:00', end: '18:00' })).toEqual({ start: '08:00', end: '18:00' });
    expect(checkContactQuietHours(null)).toBeNull();
    expect(checkContactQuietHours(undefined)).toBeNull();
  });

  it('names the field of each mistake', () => {
    expect(fieldOf(() => checkContactQuietHours('22-07'))).toBe('quietHours');
    expect(fieldOf(() => checkContactQuietHours({ start: '24:00', end: '07:00' }))).toBe('quietHours.start');
    expect(fieldOf(() => checkContactQuietHours({ start: '22:00', end: '7:00' }))).toBe('quietHours.end');
    expect(fieldOf(() => checkContactQuietHours({ start: '22:00', end: '22:00' }))).toBe('quietHours.end');
    expect(fieldOf(() => checkContactQuietHours({ start: '22:00', end: '07:00', bypassSeverity: 'urgent' }))).toBe('quietHours.bypassSeverity');
    // The zone is the contact's own: a second one here would be a second source of truth.
    expect(fieldOf(() => checkContactQuietHours({ start: '22:00', end: '07:00', timeZone: 'UTC' }))).toBe('quietHours.timeZone');
  });
});
