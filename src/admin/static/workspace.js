import { api, ApiError } from './api.js';
import { CodeEditor } from './code-editor.js';
import { debounce, h, replace, tablist } from './dom.js';
import { issueList, renderIssues } from './issues.js';
import { renderVariables, renderVersions } from './side-panels.js';

const EMAIL_PARTS = [
  { id: 'subject', label: 'Subject' },
  { id: 'mjml', label: 'MJML' },
  { id: 'text', label: 'Text' },
];
// channel.* kinds: short plain-text parts for chat, push, paging and SMS messages
const CHANNEL_PARTS = [
  { id: 'title', label: 'Title' },
  { id: 'body', label: 'Body' },
  { id: 'link', label: 'Link' },
  { id: 'severity', label: 'Severity' },
];
const partsOf = (kindInfo) => (kindInfo?.family === 'channel' ? CHANNEL_PARTS : EMAIL_PARTS);
const PREVIEW_DELAY_MS = 400;

// One template of one brand: the three parts in code editors, their issues, save/publish, versions and the preview.
export class Workspace {
  constructor({ root, preview, versionsRoot, variablesRoot, notify, brandOverrides, onChanged }) {
    Object.assign(this, { root, preview, versionsRoot, variablesRoot, notify, brandOverrides, onChanged });
    this.template = null;
    this.versions = [];
    this.loaded = null;
    this.baseline = null;
    this.issues = { errors: [], warnings: [] };
    this.busy = false;
    this.previewSeq = 0;
    this.schedulePreview = debounce(() => this.runPreview(), PREVIEW_DELAY_MS);
    this.editors = {};
    this.parts = EMAIL_PARTS;
    for (const p of [...EMAIL_PARTS, ...CHANNEL_PARTS]) {
      this.editors[p.id] = new CodeEditor({
        id: `code-${p.id}`, label: `${p.label} source`, testid: `code-${p.id}`,
        onInput: () => this.edited(), onSave: () => this.saveDraft(),
      });
    }
    this.activePart = 'mjml';
    window.addEventListener('beforeunload', (e) => {
      if (this.dirty) e.preventDefault();
    });
  }

  // A channel template's per-destination-kind overrides (byKind) are edited through the API only: kept as loaded.
  get source() {
    const parts = Object.fromEntries(this.parts.map((p) => [p.id, this.editors[p.id].value]));
    return this.byKind ? { ...parts, byKind: this.byKind } : parts;
  }

  get dirty() {
    if (!this.template || !this.baseline) return false;
    const s = this.source;
    return this.parts.some((p) => s[p.id] !== this.baseline[p.id]);
  }

  // template: the brand's override, or null while the brand sends the shipped default
  async open({ brand, kind, kindInfo, template }) {
    Object.assign(this, { brand, kind, kindInfo, template: null, versions: [], loaded: null, baseline: null });
    this.parts = partsOf(kindInfo);
    if (!this.parts.some((p) => p.id === this.activePart)) this.activePart = this.parts[1].id; // MJML, or a channel's body
    this.issues = { errors: [], warnings: [] };
    this.schedulePreview.cancel();
    this.previewSeq++; // a preview still under way belongs to the template left
    renderVariables(this.variablesRoot, kindInfo, (text) => this.editors[this.activePart].insert(text));
    if (!template) return this.showDefault();
    await this.load(template.id);
  }

  async load(templateId, version) {
    const [template, versions] = await Promise.all([api('GET', `/v1/templates/${templateId}`), this.fetchVersions(templateId)]);
    this.template = template;
    this.versions = versions;
    const want = version ?? Math.max(template.latestVersion ?? 0, template.publishedVersion ?? 0);
    const src = want === template.published?.version ? template.published : await api('GET', `/v1/templates/${templateId}/versions/${want}`);
    this.renderEditor();
    this.setSource(src, want);
  }

  async fetchVersions(templateId) {
    const res = await api('GET', `/v1/templates/${templateId}/versions?limit=100`);
    return Array.isArray(res) ? res : (res?.data ?? []);
  }

  setSource(src, version) {
    this.loaded = version;
    this.baseline = Object.fromEntries(this.parts.map((p) => [p.id, src[p.id] ?? '']));
    this.byKind = this.parts === CHANNEL_PARTS && src.byKind && Object.keys(src.byKind).length ? src.byKind : null;
    for (const p of this.parts) this.editors[p.id].value = this.baseline[p.id];
    this.setIssues({ errors: [], warnings: [] });
    this.renderState();
    this.renderVersions();
    this.runPreview();
  }

  edited() {
    this.renderState();
    this.schedulePreview();
  }

  brandChanged() {
    if (this.template) this.schedulePreview();
  }

  async runPreview() {
    if (!this.template) return;
    this.schedulePreview.cancel();
    const seq = ++this.previewSeq;
    const brand = this.brandOverrides();
    this.preview.setState('loading', 'Rendering…');
    try {
      const result = await api('POST', `/v1/templates/${this.template.id}/preview`, { source: this.source, ...(brand ? { brand } : {}) });
      if (seq !== this.previewSeq) return;
      this.preview.show(result);
      this.setIssues({ errors: [], warnings: issueList(result.warnings) });
    } catch (e) {
      if (seq !== this.previewSeq) return;
      if (e instanceof ApiError && e.code === 'template_invalid') {
        this.setIssues({ errors: issueList(e.body.errors), warnings: issueList(e.body.warnings) });
        const n = this.issues.errors.length;
        this.preview.setState('stale', `Not updated: ${n} error${n === 1 ? '' : 's'} to fix`);
      } else {
        this.preview.setState('stale', `Not updated: ${e.message}`);
      }
    }
  }

  async saveDraft() {
    await this.save(false);
  }

  async publish() {
    if (!this.template) return;
    if (this.dirty) return this.save(true);
    if (this.loaded === this.template.publishedVersion) return this.notify(`v${this.loaded} is already published.`);
    await this.publishVersion(this.loaded);
  }

  async save(publish) {
    if (!this.template || this.busy) return;
    if (!this.dirty && !publish) return this.notify('No unsaved changes.');
    this.setBusy(true);
    const note = this.noteInput.value.trim();
    try {
      const res = await api('POST', `/v1/templates/${this.template.id}/versions`, { ...this.source, ...(note ? { note } : {}), publish });
      this.noteInput.value = '';
      await this.reload(res.version);
      this.setIssues({ errors: [], warnings: issueList(res.warnings) });
      this.notify(publish ? `Saved and published v${res.version}.` : `Saved draft v${res.version}.`, 'ok');
      this.onChanged?.();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'template_invalid') {
        this.setIssues({ errors: issueList(e.body.errors), warnings: issueList(e.body.warnings) });
        this.notify(`Not saved: ${this.issues.errors.length} error(s) to fix.`, 'error');
        this.focusFirstIssue();
      } else this.notify(`Not saved: ${e.message}`, 'error');
    } finally {
      this.setBusy(false);
    }
  }

  // Publishes a saved version: a draft, or an earlier version (rollback); opens it unless there are unsaved edits.
  async publishVersion(version) {
    this.setBusy(true);
    try {
      await api('POST', `/v1/templates/${this.template.id}/publish`, { version });
      const rollback = version < this.template.publishedVersion;
      if (this.dirty) {
        this.template = await api('GET', `/v1/templates/${this.template.id}`);
        this.versions = await this.fetchVersions(this.template.id);
        this.renderState();
        this.renderVersions();
      } else await this.reload(version);
      this.notify(rollback ? `Rolled back: v${version} is published.` : `Published v${version}.`, 'ok');
      this.onChanged?.();
    } catch (e) {
      this.notify(`Not published: ${e.message}`, 'error');
    } finally {
      this.setBusy(false);
    }
  }

  async openVersion(version, button) {
    if (this.dirty && button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Discard edits?';
      setTimeout(() => {
        button.dataset.confirm = '';
        button.textContent = 'Open';
      }, 4000);
      return;
    }
    const src = await api('GET', `/v1/templates/${this.template.id}/versions/${version}`);
    this.setSource(src, version);
    this.notify(`Opened v${version}.`);
  }

  async reload(version) {
    const id = this.template.id;
    this.template = await api('GET', `/v1/templates/${id}`);
    this.versions = await this.fetchVersions(id);
    const src = version === this.template.published?.version ? this.template.published : await api('GET', `/v1/templates/${id}/versions/${version}`);
    this.setSource(src, version);
  }

  async customize() {
    this.setBusy(true);
    try {
      let template;
      try {
        template = await api('POST', '/v1/templates', { brandId: this.brand.id, kind: this.kind });
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'template_exists')) throw e;
        const list = await api('GET', `/v1/templates?brandId=${encodeURIComponent(this.brand.id)}&kind=${encodeURIComponent(this.kind)}`);
        template = (list.data ?? list)[0];
      }
      await this.load(template.id);
      this.notify(`${this.kind} is now customized for ${this.brand.name}.`, 'ok');
      this.onChanged?.();
    } catch (e) {
      this.notify(`Could not customize: ${e.message}`, 'error');
    } finally {
      this.setBusy(false);
    }
  }

  setIssues({ errors, warnings }) {
    this.issues = { errors, warnings };
    for (const p of this.parts) {
      const mine = [...errors.map((i) => ({ ...i, severity: 'error' })), ...warnings.map((i) => ({ ...i, severity: 'warning' }))].filter((i) => i.part === p.id && !i.channelKind); // an override's issue (byKind) is not in these editors
      this.editors[p.id].setIssues(mine);
      const badge = this.partTabs?.querySelector(`[data-part="${p.id}"] .badge`);
      if (badge) {
        const n = errors.filter((i) => i.part === p.id).length;
        badge.hidden = !n;
        badge.textContent = String(n);
      }
    }
    this.renderIssues();
  }

  goToIssue(issue) {
    if (!this.editors[issue.part]) return;
    this.partTabsApi.select(`part-tab-${issue.part}`);
    this.editors[issue.part].goTo(issue.line, issue.column);
  }

  focusFirstIssue() {
    const first = this.issues.errors[0];
    if (first) this.goToIssue(first);
  }

  setBusy(on) {
    this.busy = on;
    for (const b of this.root.querySelectorAll('[data-busy]')) b.disabled = on;
    this.renderVersions();
  }

  // The shipped default, read-only, until the brand customizes the kind.
  async showDefault() {
    const src = await api('GET', `/v1/template-kinds/${encodeURIComponent(this.kind)}/default`);
    this.renderEditor(true);
    for (const p of this.parts) this.editors[p.id].value = src[p.id] ?? '';
    this.setIssues({ errors: [], warnings: [] });
    this.renderVersions();
    this.preview.clear('Customize the template to preview it with this brand.');
  }

  renderEditor(readOnly = false) {
    const tab = (p) => h('button', { type: 'button', role: 'tab', id: `part-tab-${p.id}`, 'aria-controls': `part-${p.id}`, 'data-part': p.id, 'data-testid': `part-tab-${p.id}`, 'aria-selected': String(p.id === this.activePart), tabindex: p.id === this.activePart ? '0' : '-1' },
      p.label, h('span', { class: 'badge error', hidden: true, 'aria-label': 'errors' }));
    this.partTabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Template parts' }, this.parts.map(tab));
    this.stateLine = h('span', { class: 'ws-state', 'data-testid': 'template-state' }, readOnly ? h('span', { class: 'badge' }, 'default') : null);
    this.noteInput = h('input', { type: 'text', class: 'note-input', placeholder: 'Version note (optional)', 'aria-label': 'Version note', maxlength: 500, 'data-testid': 'version-note' });
    this.issuesRoot = h('div', { class: 'issues', 'data-testid': 'issues', 'aria-live': 'polite' });
    const actions = readOnly
      ? h('div', { class: 'ws-actions customize', 'data-testid': 'customize-panel' },
        h('p', { class: 'muted' }, `${this.brand.name} sends the shipped default (read-only below). Customize gives the brand its own copy to edit, preview and publish.`),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-busy': '', 'data-testid': 'customize', onclick: () => this.customize() }, 'Customize'))
      : h('div', { class: 'ws-actions' }, this.noteInput,
        h('button', { type: 'button', class: 'btn', 'data-busy': '', 'data-testid': 'save-draft', onclick: () => this.saveDraft() }, 'Save draft'),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-busy': '', 'data-testid': 'publish', onclick: () => this.publish() }, 'Publish'));
    replace(this.root,
      h('div', { class: 'ws-head' },
        h('div', { class: 'ws-title' }, h('h2', {}, this.kind), h('span', { class: 'muted' }, this.brand.name), this.stateLine),
        actions),
      this.partTabs,
      h('div', { class: 'ws-body' }, this.parts.map((p) => h('div', { class: 'part-panel', id: `part-${p.id}`, role: 'tabpanel', 'aria-labelledby': `part-tab-${p.id}`, hidden: p.id !== this.activePart }, this.editors[p.id].el, this.editors[p.id].hint))),
      this.issuesRoot);
    for (const p of this.parts) this.editors[p.id].readOnly = readOnly;
    this.partTabsApi = tablist(this.partTabs, (t) => {
      this.activePart = t.dataset.part;
      this.editors[this.activePart].syncScroll();
    });
  }

  renderState() {
    if (!this.stateLine || !this.template) return;
    const t = this.template;
    const bits = [h('span', { class: 'badge published', 'data-testid': 'published-version' }, `published v${t.publishedVersion}`)];
    if (this.loaded !== t.publishedVersion) bits.push(h('span', { class: 'badge draft', 'data-testid': 'loaded-version' }, `editing v${this.loaded}`));
    if (this.dirty) bits.push(h('span', { class: 'badge draft', 'data-testid': 'unsaved' }, 'unsaved changes'));
    replace(this.stateLine, bits);
  }

  renderIssues() {
    if (this.issuesRoot) renderIssues(this.issuesRoot, this.issues, this.parts, (i) => this.goToIssue(i));
  }

  renderVersions() {
    renderVersions(this.versionsRoot, { template: this.template, versions: this.versions, loaded: this.loaded, busy: this.busy }, {
      onOpen: (v, button) => this.openVersion(v, button).catch((e) => this.notify(e.message, 'error')),
      onPublish: (v) => this.publishVersion(v),
    });
  }
}
