import type { NationalContract } from '../contract/national-contract.js';
import type { LoadProblem, MappingErrorCode } from './mapping-error.js';
import { RULE_KINDS, RULE_OPTIONS, type RuleKind } from './mapping-file-schema.js';
import type { CodeMatcher, CompiledRules, Evaluator, RunContext, SourceSpec } from './mapping-types.js';
import { leafEvaluator } from './rule-leaves.js';

/**
 * Compiles the rules of a mapping (mappings/README.md) into closures once at load, so mapping
 * a person walks no JSON rule tree. While compiling it checks what ajv cannot: one kind per
 * rule, options that belong to it, national fields that exist in official.schema.json (by
 * walking the schema beside the rules), code lists that exist and agree with the schema's
 * `x-codeList`, reference tables the source declares. Problems are collected, not thrown.
 */
export type Rule = Record<string, unknown>;
type SchemaNode = Record<string, unknown> | undefined;

export interface CompileEnv {
  direction: 'forward' | 'reverse';
  contract: NationalContract;
  matcher(list: string): CodeMatcher | undefined;
  units: SourceSpec['units'];
  referenceNames: ReadonlySet<string>;
  problems: LoadProblem[];
  /** '/fields/hoTen' -> 'fields.json#/fields/hoTen'. */
  locate(jsonPath: string): string;
}

export interface Compiled {
  evaluate: Evaluator;
  /** Vendor (forward) or national (reverse) places the rule reads. */
  sources: string[];
}

interface Scope {
  env: CompileEnv;
  sources: Map<string, string>;
  /** Source table of the current input: the person table ('hr.person'), or the history table inside an array. */
  table: string;
}

const absent: Evaluator = () => undefined;

function problem(env: CompileEnv, code: MappingErrorCode, at: string, message: string): void {
  env.problems.push({ code, path: env.locate(at), message });
}

function properties(node: SchemaNode): Record<string, Record<string, unknown>> | undefined {
  return node?.properties as Record<string, Record<string, unknown>> | undefined;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function kindOf(rule: Rule, scope: Scope, at: string): RuleKind | undefined {
  const kinds = Object.keys(rule).filter((k): k is RuleKind => (RULE_KINDS as readonly string[]).includes(k));
  if (kinds.length !== 1) {
    const message = kinds.length === 0
      ? 'rule names no transform'
      : `rule names several transforms (${kinds.join(', ')}); nest them instead`;
    problem(scope.env, 'mapping.transform_unknown', at, message);
    return undefined;
  }
  const kind = kinds[0] as RuleKind;
  for (const key of Object.keys(rule)) {
    if (key !== kind && key !== '$comment' && !RULE_OPTIONS[kind].includes(key)) {
      problem(scope.env, 'mapping.option_unknown', `${at}/${key}`, `'${key}' is not an option of '${kind}'`);
    }
  }
  return kind;
}

function compile(rule: Rule, scope: Scope, at: string, node: SchemaNode, pattern: string): Compiled {
  const kind = kindOf(rule, scope, at);
  if (kind === undefined) return { evaluate: absent, sources: [] };
  const { env } = scope;
  const sub = (key: string, child: SchemaNode = undefined): Compiled => {
    const value = rule[key];
    if (value === undefined) {
      problem(env, 'mapping.file_invalid', at, `'${kind}' needs '${key}'`);
      return { evaluate: absent, sources: [] };
    }
    return compile(value as Rule, scope, `${at}/${key}`, child, pattern);
  };

  switch (kind) {
    case 'path': {
      const path = String(rule.path);
      const source = env.direction === 'forward' ? vendorSource(scope.table, path) : `/${path.split('.').join('/')}`;
      return { evaluate: leafEvaluator(rule, kind, undefined, source, env), sources: [source] };
    }
    case 'const':
      return { evaluate: () => rule.const, sources: [] };
    case 'object':
      return compileObject(rule.object as Record<string, Rule>, scope, `${at}/object`, node, pattern);
    case 'array': {
      const itemScope: Scope = { ...scope, table: typeof rule.table === 'string' ? rule.table : scope.table };
      const from = sub('array');
      const item = compile(rule.item as Rule ?? {}, itemScope, `${at}/item`, node?.items as SchemaNode, `${pattern}/*`);
      if (rule.item === undefined) problem(env, 'mapping.file_invalid', at, "'array' needs 'item'");
      scope.sources.set(`${pattern}/*`, unique(item.sources).join(', '));
      const keepEmpty = rule.keepEmpty === true;
      return {
        sources: unique([...(itemScope.table !== scope.table ? [itemScope.table] : from.sources), ...item.sources]),
        evaluate(input, run, here) {
          const list = from.evaluate(input, run, here);
          if (!Array.isArray(list)) return keepEmpty ? [] : undefined;
          const out: unknown[] = [];
          for (const element of list) {
            const value = item.evaluate(element, run, `${here}/${out.length}`);
            if (value !== undefined) out.push(value);
          }
          return out.length > 0 || keepEmpty ? out : undefined;
        },
      };
    }
    case 'when': {
      const test = sub('when');
      const then = rule.then === undefined ? undefined : sub('then', node);
      const otherwise = rule.else === undefined ? undefined : sub('else', node);
      const equals = rule.equals;
      const among = Array.isArray(rule.in) ? rule.in.map(String) : undefined;
      const holds = (v: unknown): boolean => {
        if (equals !== undefined) return v !== undefined && v !== null && String(v) === String(equals);
        if (among) return v !== undefined && v !== null && among.includes(String(v));
        return v !== undefined && v !== null && v !== '' && v !== false;
      };
      return {
        sources: unique([...(then?.sources ?? []), ...(otherwise?.sources ?? [])]),
        evaluate(input, run, here) {
          // A test asks a question: what its transforms would report is not the record's problem.
          const errors = run.errors.length;
          const warnings = run.warnings.length;
          const outcome = holds(test.evaluate(input, run, here));
          run.errors.length = errors;
          run.warnings.length = warnings;
          const branch = outcome ? then : otherwise;
          return branch?.evaluate(input, run, here);
        },
      };
    }
    case 'first':
    case 'join':
    case 'list': {
      const parts = (rule[kind] as Rule[]).map((r, i) =>
        compile(r, scope, `${at}/${kind}/${i}`, kind === 'first' ? node : undefined, pattern));
      return {
        sources: unique(parts.flatMap((p) => p.sources)),
        evaluate: leafEvaluator(rule, kind, parts.map((p) => p.evaluate), '', env),
      };
    }
    case 'code':
    case 'vendorCode': {
      const list = String(rule[kind]);
      if (!env.matcher(list)) problem(env, 'mapping.code_list_unknown', `${at}/${kind}`, `no national code list '${list}'`);
      const expected = node?.['x-codeList'];
      if (typeof expected === 'string' && expected !== list) {
        problem(env, 'mapping.code_list_unknown', `${at}/${kind}`, `this field takes codes of '${expected}', not '${list}'`);
      }
      if (typeof rule.ifEmpty === 'string' && !env.matcher(list)?.list.byCode.has(rule.ifEmpty)) {
        problem(env, 'mapping.code_target_unknown', `${at}/ifEmpty`, `'${rule.ifEmpty}' is not a code of '${list}'`);
      }
      checkReference(rule, scope, at);
      const from = sub('from');
      const source = unique(from.sources).join(', ');
      return { sources: from.sources, evaluate: leafEvaluator(rule, kind, [from.evaluate], source, env) };
    }
    default: {
      // Single-input transforms: their own key holds the input rule (a date may read its
      // precision from a second one).
      checkReference(rule, scope, at);
      const input = sub(kind);
      const source = unique(input.sources).join(', ');
      const precision = kind === 'date' && rule.precisionFrom !== undefined ? [sub('precisionFrom').evaluate] : [];
      if (kind === 'date' && rule.precisionFrom !== undefined && rule.precision !== undefined) {
        problem(env, 'mapping.option_unknown', `${at}/precision`, "give 'precision' or 'precisionFrom', not both");
      }
      if (kind === 'strip' && rule.characters !== undefined && rule.keep !== undefined) {
        problem(env, 'mapping.option_unknown', `${at}/keep`, "give 'characters' or 'keep', not both");
      }
      return { sources: input.sources, evaluate: leafEvaluator(rule, kind, [input.evaluate, ...precision], source, env) };
    }
  }
}

/**
 * 'hr.person.birth_date'; a path through a history array of the document
 * ('contract.0.number') names that table's column: 'hr.contract.number'.
 */
function vendorSource(table: string, path: string): string {
  const steps = path.split('.');
  const index = steps.findIndex((s) => /^[0-9]+$/u.test(s));
  if (index <= 0) return `${table}.${path}`;
  const schema = table.includes('.') ? `${table.split('.')[0]}.` : '';
  return `${schema}${steps.slice(0, index).join('.')}.${steps.slice(index + 1).join('.')}`;
}

function checkReference(rule: Rule, scope: Scope, at: string): void {
  const via = rule.via as { table?: unknown } | undefined;
  const names = [
    rule.lookup !== undefined ? rule.table : undefined,
    via?.table,
    rule.agency !== undefined || rule.vendorUnit !== undefined ? scope.env.units?.table : undefined,
  ];
  if ((rule.agency !== undefined || rule.vendorUnit !== undefined) && !scope.env.units) {
    problem(scope.env, 'mapping.units_unmapped', at, 'units are followed here, but the mapping declares neither `units` nor `source.units`');
  }
  for (const name of names) {
    if (typeof name === 'string' && !scope.env.referenceNames.has(name)) {
      problem(scope.env, 'mapping.reference_unknown', at, `no reference table '${name}' in source.reference`);
    }
  }
  if (rule.lookup !== undefined && (typeof rule.table !== 'string' || typeof rule.column !== 'string')) {
    problem(scope.env, 'mapping.file_invalid', at, "'lookup' needs 'table' and 'column'");
  }
}

type Fill = (input: unknown, run: RunContext, here: string, out: Record<string, unknown>) => boolean;

function compileObject(
  members: Record<string, Rule>, scope: Scope, at: string, node: SchemaNode, pattern: string,
): Compiled & { fill: Fill } {
  const known = properties(node);
  const compiled: [string, Compiled][] = [];
  for (const [key, rule] of Object.entries(members)) {
    if (key === '$comment') continue;
    if (scope.env.direction === 'forward' && node && (!known || !(key in known))) {
      problem(scope.env, 'mapping.field_unknown', `${at}/${key}`, `'${key}' is not a field of the national record here (official.schema.json)`);
      continue;
    }
    const child = compile(rule, scope, `${at}/${key}`, known?.[key], `${pattern}/${key}`);
    scope.sources.set(`${pattern}/${key}`, unique(child.sources).join(', '));
    compiled.push([key, child]);
  }
  /** Writes the present members into `out`, one by one; whether there was any. */
  const fill: Fill = (input, run, here, out) => {
    let any = false;
    for (const [key, child] of compiled) {
      const value = child.evaluate(input, run, `${here}/${key}`);
      if (value !== undefined) {
        out[key] = value;
        any = true;
      }
    }
    return any;
  };
  return {
    sources: unique(compiled.flatMap(([, c]) => c.sources)),
    fill,
    evaluate(input, run, here) {
      const out: Record<string, unknown> = {};
      return fill(input, run, here, out) ? out : undefined;
    },
  };
}

/**
 * Compiles a `fields` block: national fields from the source document (forward, checked
 * against official.schema.json) or vendor keys from a national record (reverse).
 */
export function compileFields(
  fields: Record<string, Rule>, env: CompileEnv, at: string, rootTable: string,
): CompiledRules {
  const sources = new Map<string, string>();
  const scope: Scope = { env, sources, table: rootTable };
  const root = env.direction === 'forward' ? env.contract.schemas.official : undefined;
  const compiled = compileObject(fields, scope, at, root, '');
  return {
    sources,
    evaluate: (input, run, here) => compiled.evaluate(input, run, here) ?? {},
    fill: (input, run, out) => {
      compiled.fill(input, run, '', out);
    },
  };
}
