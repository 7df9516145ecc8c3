import { api, ApiError } from './api.js';
import { h, replace } from './dom.js';

const COLOR = /^#[0-9a-f]{6}$/i;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const LOGO_MAX_BYTES = 512 * 1024;

// Brand colours, logo and footer. Every edit goes to the preview at once (onDraft); Save writes it to the brand.
export class BrandPanel {
  constructor(root, { onDraft, onSaved, notify }) {
    this.root = root;
    this.onDraft = onDraft;
    this.onSaved = onSaved;
    this.notify = notify;
    this.brand = null;
    this.inputs = {};
  }

  // The unsaved changes, as the preview's `brand` override; null when there are none.
  get overrides() {
    if (!this.brand) return null;
    const out = {};
    for (const [field, read] of Object.entries(this.readers())) {
      const value = read();
      if (value !== undefined && value !== (this.brand[field] ?? null)) out[field] = value;
    }
    return Object.keys(out).length ? out : null;
  }

  show(brand) {
    this.brand = brand;
    this.render();
  }

  readers() {
    const i = this.inputs;
    const text = (el) => () => (el.value.trim() === '' ? null : el.value.trim());
    return {
      name: () => i.name.value.trim() || this.brand.name,
      primaryColor: () => (COLOR.test(i.primaryColor.text.value.trim()) ? i.primaryColor.text.value.trim().toLowerCase() : undefined),
      accentColor: () => (COLOR.test(i.accentColor.text.value.trim()) ? i.accentColor.text.value.trim().toLowerCase() : undefined),
      logoUrl: text(i.logoUrl),
      logoWidth: () => (i.logoWidth.value === '' ? undefined : Number(i.logoWidth.value)),
      footerText: () => i.footerText.value.trim(),
    };
  }

  render() {
    const b = this.brand;
    if (!b) return replace(this.root, h('p', { class: 'hint' }, 'Pick a brand.'));
    const changed = () => {
      this.renderLogo();
      this.onDraft?.(this.overrides);
    };
    const field = (id, label, input, help) => h('div', { class: 'field', 'data-field': id }, h('label', { for: `brand-${id}` }, label), input, help && h('p', { class: 'hint' }, help));
    const colour = (id, label) => {
      const value = b[id] ?? '#000000';
      const picker = h('input', { type: 'color', id: `brand-${id}-picker`, value, 'aria-label': `${label} picker`, 'data-testid': `brand-${id}-picker` });
      const text = h('input', { type: 'text', id: `brand-${id}`, value, maxlength: 7, pattern: '#[0-9a-fA-F]{6}', 'data-testid': `brand-${id}`, spellcheck: 'false' });
      picker.addEventListener('input', () => {
        text.value = picker.value;
        changed();
      });
      text.addEventListener('input', () => {
        const ok = COLOR.test(text.value.trim());
        text.closest('.field').classList.toggle('invalid', !ok);
        text.setAttribute('aria-invalid', String(!ok));
        if (ok) picker.value = text.value.trim().toLowerCase();
        changed();
      });
      this.inputs[id] = { picker, text };
      return h('div', { class: 'field', 'data-field': id }, h('label', { for: `brand-${id}` }, label), h('div', { class: 'color-row' }, picker, text));
    };
    const input = (id, attrs) => {
      const el = h(attrs.tag ?? 'input', { id: `brand-${id}`, 'data-testid': `brand-${id}`, ...attrs, tag: undefined, oninput: changed });
      el.value = b[id] ?? '';
      this.inputs[id] = el;
      return el;
    };
    this.logoThumb = h('img', { class: 'logo-thumb', alt: 'Current logo', 'data-testid': 'brand-logo-thumb' });
    this.upload = h('input', { type: 'file', id: 'brand-logo-file', accept: LOGO_TYPES.join(','), 'data-testid': 'brand-logo-file', onchange: () => this.uploadLogo() });
    this.error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'brand-error' });
    this.saveButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'brand-save', onclick: () => this.save() }, 'Save brand');
    replace(this.root,
      h('p', { class: 'hint' }, 'Changes show in the preview at once; other templates of this brand use them after Save brand.'),
      field('name', 'Name', input('name', { type: 'text', maxlength: 200 })),
      colour('primaryColor', 'Primary colour'),
      colour('accentColor', 'Accent colour'),
      field('logoUrl', 'Logo URL', input('logoUrl', { type: 'url', placeholder: 'https://…' })),
      field('logoWidth', 'Logo width (px)', input('logoWidth', { type: 'number', min: 16, max: 300, step: 1 })),
      h('div', { class: 'field' }, h('label', { for: 'brand-logo-file' }, 'Upload a logo'), this.logoThumb, this.upload,
        h('p', { class: 'hint' }, 'PNG, JPEG, GIF or WebP, up to 512 KB.')),
      field('footerText', 'Footer text', input('footerText', { tag: 'textarea', rows: 3, maxlength: 1000 })),
      this.error,
      h('div', { class: 'brand-actions' }, this.saveButton,
        h('button', { type: 'button', class: 'btn', 'data-testid': 'brand-reset', onclick: () => this.reset() }, 'Undo changes')));
    this.renderLogo();
  }

  reset() {
    this.render();
    this.onDraft?.(null);
  }

  renderLogo() {
    const url = this.inputs.logoUrl?.value.trim();
    this.logoThumb.hidden = !url;
    if (url) this.logoThumb.src = url;
  }

  async save() {
    const changes = this.overrides;
    if (!changes) return this.notify('The brand has no unsaved changes.');
    this.error.textContent = '';
    this.saveButton.disabled = true;
    try {
      const saved = await api('PATCH', `/v1/brands/${this.brand.id}`, changes);
      this.show(saved);
      this.onSaved?.(saved);
      this.notify(`Brand saved.`, 'ok');
    } catch (e) {
      this.fail(e);
    } finally {
      this.saveButton.disabled = false;
    }
  }

  async uploadLogo() {
    const file = this.upload.files?.[0];
    if (!file) return;
    this.error.textContent = '';
    if (!LOGO_TYPES.includes(file.type)) return (this.error.textContent = 'The logo must be a PNG, JPEG, GIF or WebP image.');
    if (file.size > LOGO_MAX_BYTES) return (this.error.textContent = `The logo is ${Math.ceil(file.size / 1024)} KB; the limit is 512 KB.`);
    try {
      const saved = await api('PUT', `/v1/brands/${this.brand.id}/logo`, undefined, { raw: file, contentType: file.type });
      const pending = this.overrides;
      this.brand = { ...this.brand, ...saved };
      this.render();
      // keep the other unsaved edits
      if (pending) for (const [k, v] of Object.entries(pending)) if (k !== 'logoUrl') this.setInput(k, v);
      this.onSaved?.(this.brand);
      this.onDraft?.(this.overrides);
      this.notify('Logo uploaded.', 'ok');
    } catch (e) {
      this.fail(e);
    } finally {
      this.upload.value = '';
    }
  }

  setInput(field, value) {
    const el = this.inputs[field];
    if (!el) return;
    if (el.text) {
      el.text.value = value;
      el.picker.value = value;
    } else el.value = value ?? '';
  }

  fail(e) {
    const message = e instanceof ApiError ? e.message : String(e);
    this.error.textContent = message;
    if (e.field) this.root.querySelector(`[data-field="${CSS.escape(e.field)}"]`)?.classList.add('invalid');
  }
}
