import { h } from './dom.js';

const LINE_HEIGHT = 20; // px; admin.css --code-lh, the same for the textarea, the gutter and the marks
const INDENT = '  ';

// A textarea with a line-number gutter and per-line error marks. Lines never wrap, so line N is always at
// (N - 1) * LINE_HEIGHT and the gutter and marks only need to follow the textarea's scroll position.
export class CodeEditor {
  constructor({ id, label, testid, onInput, onSave }) {
    this.issues = [];
    this.lineCount = 0;
    this.leaveOnTab = false;
    this.gutterInner = h('div', { class: 'code-gutter-inner' });
    this.gutter = h('div', { class: 'code-gutter', 'aria-hidden': 'true', 'data-testid': `${testid}-gutter` }, this.gutterInner);
    this.marks = h('div', { class: 'code-backdrop-inner' });
    this.textarea = h('textarea', {
      id,
      'aria-label': label,
      'aria-describedby': `${id}-hint`,
      spellcheck: 'false',
      autocapitalize: 'off',
      autocomplete: 'off',
      wrap: 'off',
      'data-testid': `${testid}-input`,
    });
    this.el = h('div', { class: 'code', 'data-testid': testid },
      this.gutter,
      h('div', { class: 'code-body' }, h('div', { class: 'code-backdrop', 'aria-hidden': 'true' }, this.marks), this.textarea));
    this.hint = h('p', { id: `${id}-hint`, class: 'code-hint' }, 'Tab indents · Esc then Tab leaves the editor · Ctrl+S saves a draft');

    this.textarea.addEventListener('scroll', () => this.syncScroll());
    this.textarea.addEventListener('input', () => {
      this.renderGutter();
      onInput?.(this.value);
    });
    this.textarea.addEventListener('keydown', (e) => this.onKey(e, onSave));
    this.gutter.addEventListener('mousedown', (e) => {
      const line = Number(e.target.closest('.gutter-line')?.dataset.line);
      if (line) {
        e.preventDefault();
        this.goTo(line, 1);
      }
    });
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text ?? '';
    this.textarea.scrollTop = 0;
    this.renderGutter();
    this.syncScroll();
  }

  set readOnly(on) {
    this.textarea.readOnly = on;
  }

  // issues: [{line, column, message, severity: 'error'|'warning'}] of this part
  setIssues(issues) {
    this.issues = issues;
    this.renderGutter(true);
    this.renderMarks();
  }

  goTo(line, column = 1) {
    const lines = this.value.split('\n');
    const l = Math.min(Math.max(1, line), lines.length);
    let offset = 0;
    for (let i = 0; i < l - 1; i++) offset += lines[i].length + 1;
    offset += Math.min(Math.max(0, column - 1), lines[l - 1].length);
    this.textarea.focus({ preventScroll: true });
    this.textarea.setSelectionRange(offset, offset);
    const top = (l - 1) * LINE_HEIGHT;
    const view = this.textarea.clientHeight;
    if (top < this.textarea.scrollTop || top > this.textarea.scrollTop + view - 2 * LINE_HEIGHT) {
      this.textarea.scrollTop = Math.max(0, top - Math.floor(view / 3));
    }
    this.syncScroll();
  }

  // The 1-based line and column of the caret.
  caret() {
    const before = this.value.slice(0, this.textarea.selectionStart);
    const lines = before.split('\n');
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
  }

  insert(text) {
    this.textarea.focus();
    // execCommand keeps the browser's undo history; setRangeText is the fallback
    if (!document.execCommand('insertText', false, text)) {
      this.textarea.setRangeText(text, this.textarea.selectionStart, this.textarea.selectionEnd, 'end');
      this.textarea.dispatchEvent(new Event('input'));
    }
  }

  onKey(e, onSave) {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      onSave?.();
      return;
    }
    if (e.key === 'Escape') {
      this.leaveOnTab = true;
      return;
    }
    if (e.key === 'Tab' && !e.shiftKey && !e.ctrlKey && !e.altKey && !this.leaveOnTab && !this.textarea.readOnly) {
      e.preventDefault();
      this.insert(INDENT);
    }
    this.leaveOnTab = false;
  }

  renderGutter(force = false) {
    const count = this.value.split('\n').length;
    if (count === this.lineCount && !force) return;
    this.lineCount = count;
    const byLine = new Map();
    for (const i of this.issues) {
      const list = byLine.get(i.line) ?? [];
      list.push(i);
      byLine.set(i.line, list);
    }
    const frag = document.createDocumentFragment();
    for (let n = 1; n <= Math.max(count, ...byLine.keys()); n++) {
      const at = byLine.get(n);
      const cls = !at ? '' : at.some((i) => i.severity === 'error') ? ' err' : ' warn';
      frag.append(h('div', {
        class: `gutter-line${cls}`,
        'data-line': n,
        title: at ? at.map((i) => i.message).join('\n') : undefined,
      }, String(n)));
    }
    this.gutterInner.replaceChildren(frag);
    this.syncScroll();
  }

  renderMarks() {
    const lines = new Map();
    for (const i of this.issues) lines.set(i.line, lines.get(i.line) === 'err' || i.severity === 'error' ? 'err' : 'warn');
    this.marks.replaceChildren(...[...lines].map(([line, cls]) => {
      const mark = h('div', { class: `code-mark ${cls}`, 'data-line': line });
      mark.style.top = `${8 + (line - 1) * LINE_HEIGHT}px`; // 8px: the textarea's top padding
      return mark;
    }));
  }

  syncScroll() {
    const y = `translateY(${-this.textarea.scrollTop}px)`;
    this.gutterInner.style.transform = y;
    this.marks.style.transform = y;
  }
}
