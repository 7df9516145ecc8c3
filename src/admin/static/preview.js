import { h, replace, tablist } from './dom.js';

// The rendered email: subject line, HTML in a sandboxed iframe at desktop or phone width, and the text version.
export class Preview {
  constructor(root, { onDevice }) {
    this.root = root;
    this.device = 'desktop';
    this.onDevice = onDevice;
    const tab = (id, label) => h('button', { type: 'button', role: 'tab', id: `pv-tab-${id}`, 'aria-controls': `pv-${id}`, 'aria-selected': String(id === 'html'), tabindex: id === 'html' ? '0' : '-1', 'data-testid': `preview-tab-${id}` }, label);
    this.tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Preview format' }, tab('html', 'HTML'), tab('text', 'Text'));
    const device = (id, label) => h('button', { type: 'button', 'aria-pressed': String(id === 'desktop'), 'data-device': id, 'data-testid': `device-${id}`, onclick: () => this.setDevice(id) }, label);
    this.devices = h('div', { class: 'seg', role: 'group', 'aria-label': 'Preview width' }, device('desktop', 'Desktop'), device('phone', 'Phone'));
    this.state = h('span', { class: 'pv-state', 'data-testid': 'preview-state', 'aria-live': 'polite' });
    this.subject = h('strong', { 'data-testid': 'preview-subject' });
    this.frame = h('iframe', { class: 'pv-frame', sandbox: '', title: 'Email preview (HTML)', 'data-testid': 'preview-frame', referrerpolicy: 'no-referrer' });
    this.stage = h('div', { class: 'pv-stage', id: 'pv-html', role: 'tabpanel', 'aria-labelledby': 'pv-tab-html' }, this.frame);
    this.text = h('pre', { class: 'pv-text', id: 'pv-text', role: 'tabpanel', 'aria-labelledby': 'pv-tab-text', 'data-testid': 'preview-text', tabindex: '0', hidden: true });
    this.warnings = h('ul', { class: 'pv-warnings', 'data-testid': 'preview-warnings', 'aria-label': 'Render warnings' });
    replace(root,
      h('div', { class: 'pv-bar' }, this.tabs, this.devices, this.state),
      h('div', { class: 'pv-subject' }, (this.subjectLabel = h('span', { class: 'label' }, 'Subject')), this.subject),
      this.stage, this.text, this.warnings);
    tablist(this.tabs);
  }

  setDevice(id) {
    this.device = id;
    for (const b of this.devices.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.device === id));
    this.frame.classList.toggle('phone', id === 'phone');
    this.frame.title = `Email preview (HTML, ${id === 'phone' ? 'phone 375 px' : 'desktop'})`;
    this.onDevice?.(id);
  }

  // result: {subject, html, text, warnings}, or a channel kind's {title, body, link, severity, chars, warnings}
  show(result) {
    const channel = result.html === undefined && result.title !== undefined;
    this.subjectLabel.textContent = channel ? 'Title' : 'Subject';
    this.subject.textContent = (channel ? result.title : result.subject) ?? '';
    this.subject.title = this.subject.textContent;
    this.frame.srcdoc = channel ? channelCard(result) : result.html ?? '';
    this.text.textContent = channel ? `${result.title}\n\n${result.body}${result.link ? `\n\n${result.link}` : ''}\n\n[severity: ${result.severity}, ${result.chars} characters]` : result.text ?? '';
    replace(this.warnings, (result.warnings ?? []).map((w) => h('li', {}, typeof w === 'string' ? w : `${w.part ?? ''} ${w.line ? `line ${w.line}: ` : ''}${w.message}`)));
    this.setState('ok', 'Up to date');
  }

  // 'loading' | 'ok' | 'stale' | 'idle'
  setState(kind, message) {
    this.state.textContent = message ?? '';
    this.state.dataset.state = kind;
    this.state.classList.toggle('stale', kind === 'stale');
    this.stage.classList.toggle('stale', kind === 'stale');
  }

  clear(message) {
    this.subject.textContent = '';
    this.frame.srcdoc = message ? `<p style="font:14px/1.5 sans-serif;color:#6b7280;margin:32px;text-align:center">${escapeHtml(message)}</p>` : '';
    this.text.textContent = '';
    this.warnings.replaceChildren();
    this.setState('idle', '');
  }
}

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// A channel message as a plain card: the text as the channel gets it before its own escaping (each channel shows
// markup differently; the adapters escape event data so that none of it becomes markup).
const channelCard = (r) => `<div style="font:14px/1.5 sans-serif;margin:24px;max-width:560px;border:1px solid #d1d5db;border-radius:8px;padding:16px">
<div style="font-size:12px;color:#6b7280;text-transform:uppercase">${escapeHtml(r.severity || 'info')}</div>
<div style="font-weight:600;margin:4px 0 8px">${escapeHtml(r.title)}</div>
<div style="white-space:pre-wrap">${escapeHtml(r.body)}</div>
${r.link ? `<div style="margin-top:8px;color:#1d4ed8">${escapeHtml(r.link)}</div>` : ''}</div>`;
