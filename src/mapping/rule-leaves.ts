import type { CompileEnv, Rule } from './compile-env.js';
import type { Evaluator, RunContext } from './mapping-types.js';
import { parseVendorDate, statedPrecision, toVendorDate, type DatePrecision, type VendorDateStyle } from './date-transforms.js';
import { changeCase, normaliseName, normalisePhone, normaliseText, stripCharacters } from './text-transforms.js';
import { unquote } from './sql-names.js';
import { codeFromVendor, codeToVendor } from './code-rules.js';
import { agencyOfUnit, unitOfAgency, type UnitColumns } from './unit-rules.js';
import { referenceRow, report, rowBy, scalarText } from './rule-context.js';
import { MappingError } from './mapping-error.js';

const FULL_ISO_DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** '1985' -> '1985-01-01', '1985-05' -> '1985-05-01', a whole date as it is. */
function firstDayOf(iso: string): string {
  if (iso.length === 4) return `${iso}-01-01`;
  if (iso.length === 7) return `${iso}-01`;
  return iso;
}

/**
 * The transforms of the mapping vocabulary (mappings/README.md) that turn input values into
 * an output value. `undefined` is "absent": the field is left out of the result. A value the
 * transform cannot use is reported (errors block the record; warnings do not) and is absent.
 */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function at(list: Evaluator[] | undefined, i: number): Evaluator {
  const e = list?.[i];
  if (!e) throw new MappingError('mapping.rule_incomplete', 'rule compiled without its input');
  return e;
}

/** The compiler reported a unit rule without units (mapping.units_unmapped) before any evaluator is made. */
function unitsOf(env: CompileEnv): UnitColumns {
  if (!env.units) throw new MappingError('mapping.rule_incomplete', 'unit rule compiled without units');
  return env.units;
}

export function leafEvaluator(
  rule: Rule, kind: string, inputs: Evaluator[] | undefined, source: string, env: CompileEnv,
): Evaluator {
  if (kind === 'path') {
    const steps = String(rule.path).split('.');
    const [only] = steps;
    if (steps.length === 1 && only !== undefined) {
      // Most paths name one column: no loop to walk per person.
      return (input) =>
        input === null || typeof input !== 'object' ? undefined : ((input as Record<string, unknown>)[only] ?? undefined);
    }
    return (input) => {
      let current: unknown = input;
      for (const step of steps) {
        if (current === null || typeof current !== 'object') return undefined;
        current = (current as Record<string, unknown>)[step];
      }
      return current ?? undefined;
    };
  }
  if (kind === 'first') {
    const parts = inputs ?? [];
    return (input, run, here) => {
      for (const part of parts) {
        const value = part(input, run, here);
        if (!isAbsent(value)) return value;
      }
      return undefined;
    };
  }
  if (kind === 'join') {
    const parts = inputs ?? [];
    const separator = typeof rule.separator === 'string' ? rule.separator : ', ';
    return (input, run, here) => {
      const texts: string[] = [];
      for (const part of parts) {
        const text = scalarText(part(input, run, here));
        if (text !== undefined && text.trim() !== '') texts.push(text);
      }
      return texts.length > 0 ? texts.join(separator) : undefined;
    };
  }
  if (kind === 'list') {
    const parts = inputs ?? [];
    const keepEmpty = rule.keepEmpty === true;
    return (input, run, here) => {
      const out = parts.map((p, i) => p(input, run, `${here}/${i}`)).filter((v) => !isAbsent(v));
      return out.length > 0 || keepEmpty ? out : undefined;
    };
  }
  const from = at(inputs, 0);
  const unary = (fn: (value: unknown, run: RunContext, here: string) => unknown): Evaluator =>
    (input, run, here) => {
      const value = from(input, run, here);
      return isAbsent(value) ? undefined : fn(value, run, here);
    };

  switch (kind) {
    case 'text':
      return unary((v) => {
        const text = scalarText(v);
        return text === undefined ? undefined : normaliseText(text) || undefined;
      });
    case 'name':
      return unary((v) => {
        const text = scalarText(v);
        return text === undefined ? undefined : normaliseName(text) || undefined;
      });
    case 'phone':
      return unary((v, run, here) => {
        const text = scalarText(v) ?? '';
        if (text.trim() === '') return undefined;
        const phone = normalisePhone(text);
        if (phone === undefined) {
          report(run, 'warnings', 'mapping.phone_invalid', here, source, `'${text}' is not a Vietnamese phone number; left out`);
        }
        return phone;
      });
    case 'date': {
      const fixed = (rule.precision ?? 'any') as DatePrecision;
      // `precisionFrom`: the precision sits in another column of the same row (the same input).
      const stated = inputs?.[1];
      return (input, run, here) => {
        const value = from(input, run, here);
        if (isAbsent(value)) return undefined;
        const text = scalarText(value) ?? '';
        if (text.trim() === '') return undefined;
        let precision = fixed;
        const said = stated ? scalarText(stated(input, run, here)) : undefined;
        if (said !== undefined && said.trim() !== '') {
          const parsed = statedPrecision(said);
          if (parsed === undefined) {
            report(run, 'errors', 'mapping.date_precision_unknown', here, source, `'${said}' is not a date precision (year, month or day)`);
            return undefined;
          }
          precision = parsed;
        }
        const iso = parseVendorDate(text, precision);
        if (iso === undefined) {
          report(run, 'errors', 'mapping.date_invalid', here, source, `'${text}' is not a date (dd/mm/yyyy, mm/yyyy, yyyy or ISO${precision === 'day' ? ', with day and month known' : ''})`);
        }
        return iso;
      };
    }
    case 'strip': {
      const keep: 'digits' | 'alphanumeric' | undefined = rule.keep === 'digits' ? 'digits' : rule.keep === 'alphanumeric' ? 'alphanumeric' : undefined;
      const option = { ...(typeof rule.characters === 'string' ? { characters: rule.characters } : {}), ...(keep ? { keep } : {}) };
      return unary((v) => {
        const text = scalarText(v);
        return text === undefined ? undefined : stripCharacters(text, option) || undefined;
      });
    }
    case 'trim':
      return unary((v) => {
        const text = scalarText(v);
        return text === undefined ? undefined : text.trim() || undefined;
      });
    case 'case': {
      const to = rule.to === 'lower' || rule.to === 'title' ? rule.to : 'upper';
      return unary((v) => {
        const text = scalarText(v);
        return text === undefined ? undefined : changeCase(text, to);
      });
    }
    case 'vendorDate': {
      const style = (rule.style ?? 'dmy') as VendorDateStyle;
      // `partial: 'first'`: a date known to the month or year is written as its first day, as
      // vendors store one whose precision sits in another column (set it with `datePrecision`).
      const first = rule.partial === 'first';
      return unary((v, run, here) => {
        const text = scalarText(v) ?? '';
        const out = toVendorDate(text, style);
        if (out === undefined) report(run, 'errors', 'mapping.date_invalid', here, source, `'${text}' is not an ISO date`);
        if (out !== undefined && style === 'iso' && first) return firstDayOf(out);
        // A vendor date column holds a whole date: a national 'YYYY-MM' or 'YYYY' is not guessed into one.
        if (out !== undefined && style === 'iso' && !FULL_ISO_DATE.test(out)) {
          report(run, 'warnings', 'mapping.date_partial', here, source, `'${text}' has no day; the vendor's date column takes a whole date, left empty for the unit to fill in`);
          return undefined;
        }
        return out;
      });
    }
    case 'datePrecision':
      // How much of an ISO date is known: 'day', 'month' or 'year' (`replace` turns it into a vendor's code).
      return unary((v, run, here) => {
        const text = scalarText(v) ?? '';
        const iso = toVendorDate(text, 'iso');
        if (iso === undefined) {
          report(run, 'errors', 'mapping.date_invalid', here, source, `'${text}' is not an ISO date`);
          return undefined;
        }
        return FULL_ISO_DATE.test(iso) ? 'day' : iso.length === 7 ? 'month' : 'year';
      });
    case 'number':
    case 'integer':
      return unary((v, run, here) => {
        // An object is a national code kept by `vendorCode` for want of a vendor value.
        if (typeof v === 'object') return v;
        const text = scalarText(v);
        const n = typeof v === 'number' ? v : text !== undefined && text.trim() !== '' ? Number(text) : Number.NaN;
        if (Number.isFinite(n) && (kind === 'number' || Number.isInteger(n))) return n;
        if (text !== undefined && text.trim() === '') return undefined;
        report(run, 'errors', 'mapping.number_invalid', here, source, `'${String(text)}' is not ${kind === 'integer' ? 'an integer' : 'a number'}`);
        return undefined;
      });
    case 'replace': {
      const values = (rule.values ?? {}) as Record<string, unknown>;
      return unary((v) => {
        const text = scalarText(v);
        return text !== undefined && Object.hasOwn(values, text) ? values[text] : v;
      });
    }
    case 'split': {
      const separator = typeof rule.separator === 'string' ? rule.separator : ', ';
      const tail = rule.part === 'tail';
      return unary((v) => {
        const text = scalarText(v);
        if (text === undefined) return undefined;
        const cut = text.lastIndexOf(separator);
        if (cut < 0) return tail ? undefined : text;
        return tail ? text.slice(cut + separator.length) : text.slice(0, cut);
      });
    }
    case 'lookup': {
      const table = String(rule.table);
      const column = unquote(String(rule.column));
      if (typeof rule.by === 'string') {
        // A code table joined on another column than its key: the vendor holds 'DH', the
        // table (id, ma, ten) is keyed by id.
        const by = unquote(rule.by);
        return unary((v, run, here) => {
          const row = rowBy(run, table, by, v);
          if (!row) report(run, 'errors', 'mapping.reference_missing', here, source, `no row with ${by} = ${String(v)} in reference table '${table}'`);
          return row === undefined ? undefined : (row[column] ?? undefined);
        });
      }
      return unary((v, run, here) => {
        const row = referenceRow(run, table, v, here, source);
        return row === undefined ? undefined : (row[column] ?? undefined);
      });
    }
    case 'code':
      return codeFromVendor(rule, from, source, env);
    case 'vendorCode':
      return codeToVendor(rule, from, source, env);
    case 'agency': {
      const units = unitsOf(env);
      return unary((v, run, here) => agencyOfUnit(String(v), rule.level === 'unit' ? 'unit' : 'root', units, run, here, source));
    }
    case 'vendorUnit': {
      const units = unitsOf(env);
      return unary((v, run, here) => unitOfAgency(String(v), units, run, here, source));
    }
    default:
      throw new MappingError('mapping.transform_unknown', `no evaluator for transform '${kind}'`);
  }
}
