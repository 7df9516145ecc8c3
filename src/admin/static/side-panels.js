import { h, replace, formatDate } from './dom.js';

// The variable reference of a kind; picking a variable types it at the caret of the open part.
export function renderVariables(root, kindInfo, onPick) {
  if (!kindInfo) return replace(root, h('p', { class: 'hint' }, 'Pick a template to see its variables.'));
  const filter = h('input', { type: 'search', class: 'vars-filter', placeholder: 'Filter variables', 'aria-label': 'Filter variables', 'data-testid': 'variables-filter' });
  const list = h('ul', { class: 'vars', 'data-testid': 'variables-list' });
  const render = () => {
    const q = filter.value.trim().toLowerCase();
    const vars = (kindInfo.variables ?? []).filter((v) => !q || v.path.toLowerCase().includes(q) || (v.description ?? '').toLowerCase().includes(q));
    replace(list, vars.map((v) => h('li', {},
      h('button', { type: 'button', class: 'link-btn var-path', title: `Insert ${insertion(v)}`, 'data-path': v.path, onclick: () => onPick(insertion(v)) }, v.path),
      h('span', { class: 'var-type' }, v.type), v.brandBinding ? h('span', { class: 'var-type', title: 'Can be written [[…]] in MJML attributes' }, '[[ ]]') : null,
      h('div', { class: 'var-desc' }, v.description))));
  };
  filter.addEventListener('input', render);
  render();
  const helpers = kindInfo.helpers ?? [];
  replace(root,
    kindInfo.description ? h('p', { class: 'hint' }, kindInfo.description) : null,
    h('p', { class: 'hint' }, 'Click a variable to insert it at the cursor. Inside {{#each sites}}, write sites[].domain as {{domain}}.'),
    filter, list,
    helpers.length ? h('details', {}, h('summary', {}, 'Helpers'), h('ul', { class: 'vars' }, helpers.map((x) => h('li', {}, h('span', { class: 'var-path' }, x.usage ?? x.name), h('div', { class: 'var-desc' }, x.description))))) : null,
    kindInfo.sampleData ? h('details', {}, h('summary', {}, 'Sample data used by the preview'), h('pre', { class: 'pv-text', tabindex: '0' }, JSON.stringify(kindInfo.sampleData, null, 2))) : null);
}

const insertion = (v) => `{{${v.path.includes('[].') ? v.path.slice(v.path.lastIndexOf('[].') + 3) : v.path}}}`;

// Versions newest first; any version but the published one can be published (a rollback when it is older).
export function renderVersions(root, { template, versions, loaded, busy }, { onOpen, onPublish }) {
  if (!template) return replace(root, h('p', { class: 'hint' }, 'Versions appear once the brand customizes this template.'));
  const rows = [...versions].sort((a, b) => b.version - a.version).map((v) => {
    const published = v.version === template.publishedVersion;
    const action = published ? null : v.version < template.publishedVersion ? 'Roll back' : 'Publish';
    return h('li', { class: v.version === loaded ? 'loaded' : '', 'data-testid': 'version-row', 'data-version': v.version, 'data-status': v.status },
      h('span', { class: 'v-num' }, `v${v.version}`),
      h('span', { class: 'v-badges' }, h('span', { class: `badge ${v.status}` }, v.status), v.version === loaded ? h('span', { class: 'badge overridden' }, 'in editor') : null),
      v.note ? h('span', { class: 'v-note' }, v.note) : null,
      h('span', { class: 'v-meta' }, [formatDate(v.createdAt), v.createdBy].filter(Boolean).join(' · ')),
      h('span', { class: 'v-actions' },
        h('button', { type: 'button', class: 'btn btn-small', disabled: busy || v.version === loaded, 'data-testid': 'version-open', onclick: (e) => onOpen(v.version, e.currentTarget) }, 'Open'),
        action && h('button', { type: 'button', class: 'btn btn-small', disabled: busy, 'data-testid': action === 'Roll back' ? 'version-rollback' : 'version-publish', 'aria-label': `${action} to v${v.version}`, onclick: () => onPublish(v.version) }, action)));
  });
  replace(root, h('ul', { class: 'versions', 'data-testid': 'versions-list' }, rows));
}
