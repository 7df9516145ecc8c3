import { api, ApiError, listAll, onUnauthorized, session } from './api.js';
import { BrandPanel } from './brand-panel.js';
import { $, h, replace, tablist } from './dom.js';
import { Preview } from './preview.js';
import { Workspace } from './workspace.js';

const els = {
  login: $('#login'), loginForm: $('#login-form'), loginKey: $('#login-key'), loginError: $('#login-error'),
  app: $('#app'), logout: $('#logout'), status: $('#status'), brands: $('#brand-list'), kinds: $('#kind-list'),
};
const state = { brands: [], kinds: [], overrides: new Map(), brandId: null, kind: null };

let statusTimer = null;
function notify(message, kind = '') {
  els.status.textContent = message;
  els.status.className = `status ${kind}`;
  clearTimeout(statusTimer);
  if (kind !== 'error') statusTimer = setTimeout(() => (els.status.textContent = ''), 6000);
}

const preview = new Preview($('#preview'), { onDevice: (d) => els.app.classList.toggle('phone', d === 'phone') });
const brandPanel = new BrandPanel($('#tool-brand'), {
  notify,
  onDraft: () => workspace.brandChanged(),
  onSaved: (brand) => {
    state.brands = state.brands.map((b) => (b.id === brand.id ? brand : b));
    renderBrands();
    workspace.brandChanged();
  },
});
const workspace = new Workspace({
  root: $('#workspace'), preview, versionsRoot: $('#tool-versions'), variablesRoot: $('#tool-vars'), notify,
  brandOverrides: () => brandPanel.overrides,
  onChanged: () => refreshOverrides().catch((e) => notify(e.message, 'error')),
});
tablist($('#tool-tabs'));

function showLogin(message = '') {
  els.app.hidden = true;
  els.logout.hidden = true;
  els.login.hidden = false;
  els.loginError.textContent = message;
  els.loginKey.focus();
}

onUnauthorized(() => {
  session.clear();
  showLogin('Your API key was not accepted any more (revoked?). Log in again.');
});

els.loginForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = els.loginKey.value.trim();
  if (!key) return (els.loginError.textContent = 'Enter an API key.');
  try {
    await api('GET', '/v1/brands?limit=1', undefined, { key });
  } catch (err) {
    els.loginError.textContent = err instanceof ApiError && err.status === 401
      ? 'This API key is unknown or revoked.'
      : `Cannot log in: ${err.message}`;
    els.loginKey.select();
    return;
  }
  session.set(key);
  els.loginKey.value = '';
  await start();
});

els.logout.addEventListener('click', () => {
  session.clear();
  location.hash = '';
  showLogin();
});

async function start() {
  els.login.hidden = true;
  els.app.hidden = false;
  els.logout.hidden = false;
  try {
    const [brands, kinds] = await Promise.all([listAll('/v1/brands?limit=100'), api('GET', '/v1/template-kinds')]);
    state.brands = brands;
    state.kinds = Array.isArray(kinds) ? kinds : (kinds?.data ?? []);
    const route = readRoute();
    const brand = brands.find((b) => b.id === route.brandId) ?? brands.find((b) => b.isDefault) ?? brands[0];
    if (brand) await selectBrand(brand.id, route.kind);
    else renderBrands();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) notify(`Could not load: ${e.message}`, 'error');
  }
}

function readRoute() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { brandId: p.get('brand'), kind: p.get('kind') };
}

function writeRoute() {
  const p = new URLSearchParams();
  if (state.brandId) p.set('brand', state.brandId);
  if (state.kind) p.set('kind', state.kind);
  history.replaceState(null, '', `#${p}`);
}

async function selectBrand(brandId, kind) {
  state.brandId = brandId;
  state.kind = null;
  brandPanel.show(currentBrand());
  renderBrands();
  await refreshOverrides();
  await selectKind(kind && state.kinds.some((k) => k.kind === kind) ? kind : null);
}

const currentBrand = () => state.brands.find((b) => b.id === state.brandId);

async function refreshOverrides() {
  const list = await listAll(`/v1/templates?brandId=${encodeURIComponent(state.brandId)}&limit=100`);
  state.overrides = new Map(list.map((t) => [t.kind, t]));
  renderKinds();
}

async function selectKind(kind) {
  state.kind = kind;
  writeRoute();
  renderKinds();
  if (!kind) {
    replace($('#workspace'), h('div', { class: 'empty muted' }, 'Pick a template on the left.'));
    preview.clear();
    return;
  }
  try {
    await workspace.open({ brand: currentBrand(), kind, kindInfo: state.kinds.find((k) => k.kind === kind), template: state.overrides.get(kind) ?? null });
  } catch (e) {
    notify(`Could not open ${kind}: ${e.message}`, 'error');
  }
}

function renderBrands() {
  replace(els.brands, state.brands.map((b) => h('li', {},
    h('button', { type: 'button', class: 'pick', 'aria-current': String(b.id === state.brandId), 'data-testid': 'brand-item', 'data-brand-id': b.id, onclick: () => guard(() => selectBrand(b.id, state.kind)) },
      swatch(b.primaryColor), h('span', { class: 'name' }, b.name), b.isDefault ? h('span', { class: 'badge' }, 'default') : null))));
}

function swatch(color) {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = color ?? '#ccc';
  return s;
}

function renderKinds() {
  replace(els.kinds, state.kinds.map((k) => {
    const overridden = state.overrides.has(k.kind);
    return h('li', {},
      h('button', { type: 'button', class: 'pick', 'aria-current': String(k.kind === state.kind), 'data-testid': 'kind-item', 'data-kind': k.kind, title: k.description, onclick: () => guard(() => selectKind(k.kind)) },
        h('span', { class: 'name' }, k.kind),
        h('span', { class: `badge ${overridden ? 'overridden' : ''}`, 'data-testid': 'kind-state' }, overridden ? 'overridden' : 'default')));
  }));
}

// Switching away from unsaved edits needs a second click.
function guard(fn) {
  if (workspace.dirty && !guard.armed) {
    guard.armed = true;
    notify('Unsaved changes: click again to discard them, or save a draft first.', 'error');
    setTimeout(() => (guard.armed = false), 5000);
    return;
  }
  guard.armed = false;
  fn().catch((e) => notify(e.message, 'error'));
}

if (session.key) start();
else showLogin();
