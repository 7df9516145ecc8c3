import { h, replace } from './dom.js';

// Errors and warnings of the open template, each a button that takes the caret to its part, line and column.
export function renderIssues(root, { errors, warnings }, parts, onPick) {
  const label = Object.fromEntries(parts.map((p) => [p.id, p.label]));
  const item = (i, severity) => h('li', {},
    h('button', { type: 'button', class: `issue ${severity === 'error' ? 'err' : 'warn'}`, 'data-testid': 'issue', 'data-severity': severity, 'data-part': i.part, 'data-line': i.line, onclick: () => onPick(i) },
      h('span', { class: 'icon', 'aria-hidden': 'true' }, severity === 'error' ? '●' : '▲'),
      h('span', { class: 'where' }, `${label[i.part] ?? i.part} ${i.line}:${i.column}`),
      h('span', { class: 'msg' }, h('span', { class: 'sr-only' }, `${severity}: `), i.message)));
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  replace(root,
    errors.length ? [h('h3', {}, plural(errors.length, 'error')), h('ul', { 'data-testid': 'error-list' }, errors.map((i) => item(i, 'error')))] : null,
    warnings.length ? [h('h3', {}, plural(warnings.length, 'warning')), h('ul', { 'data-testid': 'warning-list' }, warnings.map((i) => item(i, 'warning')))] : null);
}

// The API's issues are {part, line, column, message}; anything without a position goes on the MJML's first line.
export function issueList(list) {
  return (list ?? []).map((i) => (typeof i === 'string'
    ? { part: 'mjml', line: 1, column: 1, message: i }
    : { part: i.part ?? 'mjml', line: i.line ?? 1, column: i.column ?? 1, message: i.message, ...(i.channelKind ? { channelKind: i.channelKind } : {}) }));
}
