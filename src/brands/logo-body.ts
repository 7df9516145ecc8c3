import type { BodyConfig } from '../api/body-parsers';
import { MAX_LOGO_BYTES } from './logo-image';

// PUT /v1/brands/:id/logo takes the image itself as the body: raw bytes of any Content-Type (checkLogo decides), with
// the logo's own limit rather than BODY_LIMIT.
export const LOGO_BODY: BodyConfig = {
  body: 'raw',
  bodyLimit: MAX_LOGO_BYTES,
  tooLarge: {
    code: 'logo_too_large',
    message: `the logo is larger than the limit of ${MAX_LOGO_BYTES / 1024} KB: scale it down (it is shown at most 300 px wide)`,
    field: 'body',
  },
};
