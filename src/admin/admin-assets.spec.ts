import { join } from 'node:path';
import { adminStaticDir } from './admin-assets';

describe('adminStaticDir', () => {
  const root = join(__dirname, '..', '..');

  it('finds src/admin/static from src/admin (tests) and from dist/src/admin (npm start)', () => {
    expect(adminStaticDir(__dirname)).toBe(join(root, 'src', 'admin', 'static'));
    expect(adminStaticDir(join(root, 'dist', 'src', 'admin'))).toBe(join(root, 'src', 'admin', 'static'));
  });

  it('answers null where no static files are installed', () => {
    expect(adminStaticDir('/')).toBeNull();
  });
});
