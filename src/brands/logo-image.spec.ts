import { checkLogo, MAX_LOGO_BYTES, sniffImage } from './logo-image';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946', 'hex');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);

describe('sniffImage', () => {
  it('recognizes PNG, JPEG, GIF and WebP by their magic bytes', () => {
    expect([PNG, JPEG, GIF, WEBP].map(sniffImage)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
  });

  it('recognizes nothing else (SVG, HTML, truncated files)', () => {
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffImage(PNG.subarray(0, 4))).toBeNull();
  });
});

describe('checkLogo', () => {
  it('accepts an image whose bytes match the declared type, ignoring parameters and case', () => {
    expect(checkLogo('Image/PNG; charset=binary', PNG)).toEqual({ ok: true, type: 'image/png' });
  });

  it('refuses other declared types, a mismatch and an empty body with 415', () => {
    expect(checkLogo('image/svg+xml', Buffer.from('<svg/>'))).toMatchObject({ ok: false, status: 415 });
    expect(checkLogo('image/png', JPEG)).toMatchObject({ ok: false, status: 415, message: expect.stringContaining('image/jpeg') });
    expect(checkLogo('image/png', Buffer.alloc(0))).toMatchObject({ ok: false, status: 415 });
    expect(checkLogo(undefined, PNG)).toMatchObject({ ok: false, status: 415 });
  });

  it('refuses a file over the limit with 413', () => {
    expect(checkLogo('image/png', Buffer.concat([PNG, Buffer.alloc(MAX_LOGO_BYTES)]))).toMatchObject({ ok: false, status: 413 });
  });
});
