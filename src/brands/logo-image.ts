// Uploaded logos are served from the service's own origin, so what is stored must be the image type it claims:
// the declared content type has to match the file's magic bytes (no SVG: it can carry script).
export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type LogoType = (typeof LOGO_TYPES)[number];
export const MAX_LOGO_BYTES = 512 * 1024;

const isLogoType = (t: string): t is LogoType => (LOGO_TYPES as readonly string[]).includes(t);

export function sniffImage(data: Buffer): LogoType | null {
  const starts = (bytes: number[], at = 0) => data.length >= at + bytes.length && bytes.every((b, i) => data[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

export type LogoCheck = { ok: true; type: LogoType } | { ok: false; status: 413 | 415; message: string };

// `declared` is the request's Content-Type, parameters and case ignored.
export function checkLogo(declared: string | undefined, data: unknown): LogoCheck {
  const type = (declared ?? '').split(';')[0].trim().toLowerCase();
  if (!isLogoType(type)) {
    return { ok: false, status: 415, message: `send the logo as the raw request body with Content-Type ${LOGO_TYPES.join(', ')}; got "${type || 'none'}"` };
  }
  if (!Buffer.isBuffer(data) || data.length === 0) return { ok: false, status: 415, message: 'the request body is empty: send the image file itself' };
  if (data.length > MAX_LOGO_BYTES) return { ok: false, status: 413, message: `the logo is ${data.length} bytes; the limit is ${MAX_LOGO_BYTES / 1024} KB` };
  const actual = sniffImage(data);
  if (actual !== type) {
    return { ok: false, status: 415, message: `the file is ${actual ? `a ${actual}` : 'not a PNG, JPEG, GIF or WebP image'} but was sent as ${type}` };
  }
  return { ok: true, type };
}
