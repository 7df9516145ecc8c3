import Handlebars from 'handlebars';
import { createHelperSet, CUSTOM_HELPERS, ALLOWED_HELPERS, HelperSet } from './template-helpers';
import { bindStaticText } from './static-text';
import { LocaleCatalog } from './locale-catalog';
import { TemplateCompileError } from './template-errors';
import { TemplatePart } from './template-kinds';

export type RenderFn = (context: object) => string;

// Handlebars' compiler classes are public on every environment but missing from its type definitions.
interface CompilerInternals {
  Compiler: new () => { compile(ast: hbs.AST.Program, options: object): unknown };
  JavaScriptCompiler: new () => { compile(env: unknown, options: object, context: undefined, asObject: boolean): TemplateSpecification | string };
}

// Prototype access stays off, explicitly: with the defaults left undefined Handlebars would also log every attempt.
const RUNTIME: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
  allowCallsToHelperMissing: false,
};

// The rules the runtime builds from RUNTIME for a top-level call (handlebars is pinned at 4.7.8; untyped module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protoAccess = require('handlebars/dist/cjs/handlebars/internal/proto-access') as { createProtoAccessControl(o: Handlebars.RuntimeOptions): unknown };
const PROTO_ACCESS = protoAccess.createProtoAccessControl(RUNTIME);

const KNOWN_HELPERS: Record<string, boolean> = {
  ...Object.fromEntries(CUSTOM_HELPERS.map((h) => [h, true])),
  log: false, helperMissing: false, blockHelperMissing: false,
};

// One isolated Handlebars environment: whitelisted helpers only, no partials, no decorators, no prototype access.
export class HandlebarsSandbox {
  private readonly env = Handlebars.create();
  private readonly helperSet: HelperSet;
  private readonly direct: { helpers: Record<string, Handlebars.HelperDelegate>; hooks: Record<string, Handlebars.HelperDelegate> };

  constructor(catalog: LocaleCatalog) {
    this.helperSet = createHelperSet(catalog);
    this.env.unregisterHelper('log');
    this.env.registerHelper(this.helperSet.helpers);
    // Loops are how a template multiplies work: {{#each}} nested over @root arrays grows as 5^depth with the sample
    // data (depth 9 took 2 s) and blocks the process. Every each (also {{#sites}}, which Handlebars runs through it)
    // checks the deadline of the render in progress, so that a runaway template fails instead of hanging.
    const each = this.env.helpers.each;
    this.env.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
      if (performance.now() > deadline) throw new RenderDeadlineError();
      return each.call(this, context, options);
    });
    // {{lookup obj key}} reads own properties only: what Handlebars allows with prototype access off.
    this.env.registerHelper('lookup', (obj: unknown, key: unknown) =>
      obj != null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, String(key)) ? (obj as Record<string, unknown>)[String(key)] : undefined);
    const { helperMissing, blockHelperMissing, ...helpers } = this.env.helpers;
    this.direct = { helpers, hooks: { helperMissing, blockHelperMissing } };
  }

  // Parses and refuses partials, decorators and helpers off the whitelist.
  check(source: string, part: TemplatePart): hbs.AST.Program {
    let ast: hbs.AST.Program;
    try {
      ast = this.env.parse(source);
    } catch (e) {
      throw new TemplateCompileError('syntax', `${part}: ${(e as Error).message}`, part);
    }
    const [refused] = refusedStatements(ast);
    if (refused) throw new TemplateCompileError(refused.reason, `${part}: ${refused.message}`, part);
    return ast;
  }

  // Compiles now (not lazily on first render) so that a bad template fails at compile time. With a locale, the
  // texts that are the same for every email in that locale are bound first (static-text.ts).
  compile(source: string, part: TemplatePart, escape: boolean, locale?: string): RenderFn {
    return this.wrap(this.env.template(this.spec(source, part, escape, locale, true) as TemplateSpecification));
  }

  // The same as JavaScript source (Handlebars' precompiled form): a worker thread compiles, the main thread load()s.
  precompile(source: string, part: TemplatePart, escape: boolean, locale?: string): string {
    return this.spec(source, part, escape, locale, false) as string;
  }

  // A precompiled template from precompile() in this or another thread: only Handlebars' code generator writes it.
  load(spec: string): RenderFn {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return this.wrap(this.env.template(new Function(`return ${spec}`)() as TemplateSpecification));
  }

  private spec(source: string, part: TemplatePart, escape: boolean, locale: string | undefined, asObject: boolean): TemplateSpecification | string {
    let ast = this.check(source, part);
    if (locale) ast = this.env.parse(bindStaticText(source, ast, (key) => this.helperSet.staticText(locale, key), escape));
    const options = { data: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, strict: false, noEscape: !escape };
    const internals = this.env as unknown as CompilerInternals;
    try {
      const environment = new internals.Compiler().compile(ast, options);
      return new internals.JavaScriptCompiler().compile(environment, options, undefined, asObject);
    } catch (e) {
      throw new TemplateCompileError('syntax', `${part}: ${(e as Error).message}`, part);
    }
  }

  // A top-level call copies every helper into a wrapper that copies the options object of every helper call
  // (to add lookupProperty, which only {{lookup}} used): a quarter of a digest's render time. Called the way
  // Handlebars calls a partial, the template takes our helpers, hooks and prototype-access rules as they are.
  private wrap(template: HandlebarsTemplateDelegate): RenderFn {
    const { helpers, hooks } = this.direct;
    return (context) =>
      template(context, { partial: true, helpers, hooks, partials: {}, decorators: {}, protoAccessControl: PROTO_ACCESS, data: { root: context } } as Handlebars.RuntimeOptions);
  }
}

// Rendering is synchronous, so one deadline per process suffices: withDeadline() sets it around one render.
let deadline = Infinity;

export class RenderDeadlineError extends Error {
  constructor() {
    super('the render ran past its time limit');
  }
}

export function withDeadline<T>(ms: number, work: () => T): T {
  const outer = deadline;
  deadline = Math.min(outer, performance.now() + ms);
  try {
    return work();
  } finally {
    deadline = outer;
  }
}

// Property names that lead from data to functions and prototypes; Handlebars' runtime denies them too.
export const INTERNALS: ReadonlySet<string> = new Set([
  'constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

export interface RefusedStatement {
  reason: 'partial_refused' | 'unknown_helper';
  message: string;
  loc: hbs.AST.SourceLocation;
}

// Partials (which could name files) and decorators are refused; helpers must be on the whitelist.
export function refusedStatements(ast: hbs.AST.Program): RefusedStatement[] {
  const found: RefusedStatement[] = [];
  walk(ast, (node) => {
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      found.push({ reason: 'partial_refused', message: 'partials ({{> …}}) are not available in templates', loc: node.loc });
    } else if (node.type === 'Decorator' || node.type === 'DecoratorBlock') {
      found.push({ reason: 'partial_refused', message: 'decorators ({{* …}}) are not available in templates', loc: node.loc });
    } else if (isCall(node)) {
      const name = helperName(node);
      if (name !== null && !ALLOWED_HELPERS.has(name)) {
        const message = name.split(/[./]/).some((p) => INTERNALS.has(p))
          ? `"${name}" refers to JavaScript internals and cannot be called`
          : `unknown helper "${name}"; available: ${[...ALLOWED_HELPERS].join(', ')}`;
        found.push({ reason: 'unknown_helper', message, loc: node.loc });
      }
    }
  });
  return found;
}

type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

const isCall = (node: hbs.AST.Node): node is Call =>
  node.type === 'MustacheStatement' || node.type === 'BlockStatement' || node.type === 'SubExpression';

// The helper a statement calls, or null when it only reads a value ({{site.domain}}, {{#sites}}).
export function helperName(node: Call): string | null {
  const path = node.path as hbs.AST.PathExpression | hbs.AST.Literal;
  const original = 'original' in path ? String(path.original) : '';
  const hasArgs = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 || node.type === 'SubExpression';
  if (path.type !== 'PathExpression') return hasArgs ? original : null;
  const p = path as hbs.AST.PathExpression;
  if (hasArgs) return p.data || p.parts.length !== 1 || p.depth > 0 || /^this\b|^\.\//.test(p.original) ? p.original : p.parts[0];
  return ALLOWED_HELPERS.has(p.original) ? p.original : null;
}

// Visits every statement and expression of a Handlebars AST, parents before children.
export function walk(node: hbs.AST.Node | null | undefined, visit: (n: hbs.AST.Node) => void): void {
  if (!node) return;
  visit(node);
  const n = node as unknown as Record<string, unknown>;
  if (node.type === 'Program') (n.body as hbs.AST.Node[]).forEach((c) => walk(c, visit));
  if (isCall(node) || node.type === 'PartialStatement' || node.type === 'Decorator' || node.type === 'DecoratorBlock' || node.type === 'PartialBlockStatement') {
    const call = node as unknown as { params?: hbs.AST.Node[]; hash?: hbs.AST.Hash; program?: hbs.AST.Program; inverse?: hbs.AST.Program };
    call.params?.forEach((c) => walk(c, visit));
    call.hash?.pairs.forEach((p) => walk(p.value, visit));
    walk(call.program, visit);
    walk(call.inverse, visit);
  }
}
