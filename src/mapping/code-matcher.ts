import type { CodeItem, CodeList } from '../contract/national-contract.js';
import type { CodeMatcher } from './mapping-types.js';
import { codeKey } from './text-transforms.js';

/**
 * Matching vendor values to a national code list, never by number position (domain.md,
 * "Code lists"). `match: 'name'` lists match the normalised text against the mapping's
 * synonyms, then the national names (and, for provinces, the names of the provinces merged in
 * on 1 July 2025, so an old name gives the current code); `match: 'code'` lists hold the
 * vendor's copy of the national code (ranks), with synonyms for vendor-only codes and
 * `superseded` for codes replaced by newer ones (15.114 -> V.07.03.29).
 */
export interface CodeListSpec {
  match: 'name' | 'code';
  synonyms?: Record<string, string>;
  superseded?: Record<string, string>;
  stripPrefixes?: string[];
  /** The province's overlay synonyms (mapping-overlay.ts): win over the shipped ones, forward only. */
  overlay?: Record<string, string>;
}

/** Distinct vendor values remembered per list before the cache starts over. */
export const MATCH_CACHE_SIZE = 10_000;

/** A key two national items share cannot decide between them: it is left to synonyms. */
const AMBIGUOUS = Symbol('ambiguous');

function addName(index: Map<string, string | typeof AMBIGUOUS>, name: string, code: string): void {
  const key = codeKey(name);
  const known = index.get(key);
  if (known === undefined) index.set(key, code);
  else if (known !== code) index.set(key, AMBIGUOUS);
}

export function createCodeMatcher(list: CodeList, spec: CodeListSpec): CodeMatcher {
  const synonyms = new Map<string, string>();
  for (const [from, to] of Object.entries(spec.synonyms ?? {})) synonyms.set(codeKey(from), to);
  for (const [from, to] of Object.entries(spec.superseded ?? {})) synonyms.set(codeKey(from), to);
  for (const [from, to] of Object.entries(spec.overlay ?? {})) synonyms.set(codeKey(from), to);
  const names = new Map<string, string | typeof AMBIGUOUS>();
  if (spec.match === 'name') {
    for (const item of list.items) if (typeof item.ten === 'string') addName(names, item.ten, item.ma);
    // Merged-in provinces after the current names, so a current name always wins its own key.
    for (const item of list.items) for (const old of item.truocSapNhap ?? []) {
      if (!names.has(codeKey(old.ten))) names.set(codeKey(old.ten), item.ma);
    }
  }
  const prefixes = (spec.stripPrefixes ?? []).map((p) => `${codeKey(p)} `);

  // Vendor value for each national code: for a name list the national name (which matches
  // forward by construction); for a code list the first synonym naming it ('NLD' -> 'HD'),
  // else the code itself (superseded codes are never written back).
  const vendorValue = new Map<string, string>();
  for (const [from, to] of Object.entries(spec.synonyms ?? {})) if (!vendorValue.has(to)) vendorValue.set(to, from);

  function lookup(key: string): CodeItem | undefined {
    const code = synonyms.get(key) ?? names.get(key);
    return typeof code === 'string' ? list.byCode.get(code) : undefined;
  }

  function match(value: string): CodeItem | undefined {
    const key = codeKey(value);
    const found = lookup(key) ?? (spec.match === 'code' ? list.byCode.get(value.trim()) : undefined);
    if (found) return found;
    const prefix = prefixes.find((p) => key.startsWith(p));
    return prefix ? lookup(key.slice(prefix.length)) : undefined;
  }

  // A vendor value seen once is matched once: a code column holds few distinct values, and
  // folding the key (NFC, case, hyphens, spacing) on every person was a tenth of the mapping's
  // time. The cache belongs to this matcher, so to one mapping and one list; free text in a
  // code column cannot grow it without bound.
  const seen = new Map<string, CodeItem | null>();
  return {
    list,
    forward(value) {
      const known = seen.get(value);
      if (known !== undefined) return known ?? undefined;
      const found = match(value);
      if (seen.size >= MATCH_CACHE_SIZE) seen.clear();
      seen.set(value, found ?? null);
      return found;
    },
    reverse(code) {
      const item = list.byCode.get(code);
      if (!item) return undefined;
      return spec.match === 'name' ? item.ten : (vendorValue.get(code) ?? item.ma);
    },
  };
}
