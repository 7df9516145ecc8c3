// Lets a child process run the TypeScript sources directly (node -r ./test/support/swc-register.js x.ts), compiled
// by @swc/core with the same options as jest, so that a test can kill -9 a real second process of the service.
const { transformSync } = require('@swc/core');
const fs = require('node:fs');

require.extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
