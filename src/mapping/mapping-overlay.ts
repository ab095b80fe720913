import { escapePointerToken } from '../contract/json-pointer.js';
import type { NationalContract } from '../contract/national-contract.js';
import type { CodeListSpec } from './code-matcher.js';
import { ajvProblem, MappingError, type LoadProblem } from './mapping-error.js';
// overlayFileSchema's ajv code, generated ahead of time (scripts/gen-validators.ts).
import { validateOverlayFile } from './mapping-file-validators.generated.js';
import { overlayFileSchema } from './mapping-file-schema.js';
import type { CodeMatcher } from './mapping-types.js';
import { codeKey, normaliseText } from './text-transforms.js';

/**
 * The province's overlay (MAPPING_OVERLAY_FILE): synonyms the province added over the shipped
 * mapping, in a file it owns, so that installing a new gateway version never loses them and
 * no province forks mappings/qlcb. Loaded with the mapping and checked the same way: the same
 * schema vocabulary, every list a national list, every target a code of it. Its synonyms win
 * over the shipped ones (the province decides its own spellings) and are forward only: the
 * reverse mapping keeps writing what the shipped mapping writes. Pure.
 */
export interface OverlayJson {
  $comment?: string;
  codes?: Record<string, { $comment?: string; synonyms?: Record<string, string> }>;
}

export interface OverlaySynonym {
  list: string;
  value: string;
  code: string;
}

/** The overlay's synonyms, list by list, in the file's order. */
export function overlaySynonyms(json: OverlayJson): OverlaySynonym[] {
  const out: OverlaySynonym[] = [];
  for (const [list, spec] of Object.entries(json.codes ?? {})) {
    if (list === '$comment' || typeof spec !== 'object') continue;
    for (const [value, code] of Object.entries(spec.synonyms ?? {})) out.push({ list, value, code });
  }
  return out;
}

/**
 * The shipped code-list specs with an overlay's synonyms added (`overlay` of CodeListSpec),
 * or the problems found in it, located as `file#/codes/list/synonyms/value`.
 */
export function applyOverlay(
  file: string, json: unknown, specs: Record<string, CodeListSpec>, contract: NationalContract, problems: LoadProblem[],
): Record<string, CodeListSpec> {
  if (!validateOverlayFile(json)) {
    for (const error of validateOverlayFile.errors ?? []) {
      const p = ajvProblem(error, (path) => `${file}#${path}`, overlayFileSchema);
      if (p) problems.push(p);
    }
    return specs;
  }
  const merged: Record<string, CodeListSpec> = { ...specs };
  for (const { list, value, code } of overlaySynonyms(json as OverlayJson)) {
    const at = `${file}#/codes/${escapePointerToken(list)}`;
    const national = contract.codes.get(list);
    if (!national) {
      problems.push({ code: 'mapping.code_list_unknown', path: at, message: `no national code list '${list}'` });
      continue;
    }
    if (!national.byCode.has(code)) {
      problems.push({ code: 'mapping.code_target_unknown', path: `${at}/synonyms/${escapePointerToken(value)}`, message: `'${code}' is not a code of the national list '${list}'` });
      continue;
    }
    const spec = merged[list] ?? { match: 'name' };
    merged[list] = { ...spec, overlay: { ...spec.overlay, [value]: code } };
  }
  return merged;
}

/** Whether adding a synonym wrote something, or the value already gave that code. */
export type SynonymOutcome = { added: true; overlay: OverlayJson } | { added: false; code: string };

/**
 * The overlay with `value` -> `code` added to `list`. Refuses a list the contract does not
 * have, a code not in the list, an empty value, and a value the effective mapping (shipped and
 * overlay) already matches to another code: a synonym never silently re-points a spelling.
 */
export function withSynonym(json: OverlayJson, matcher: CodeMatcher | undefined, list: string, value: string, code: string): SynonymOutcome {
  if (!matcher) throw new MappingError('mapping.code_list_unknown', `no national code list '${list}'`, { status: 400 });
  const target = matcher.list.byCode.get(code);
  if (!target) {
    throw new MappingError('mapping.code_not_in_list', `'${code}' is not a code of the national list '${list}'`, { status: 400 });
  }
  const typed = normaliseText(value);
  if (typed === '') throw new MappingError('mapping.synonym_empty', 'a synonym needs a value', { status: 400 });
  const current = matcher.forward(typed);
  if (current && current.ma !== code) {
    throw new MappingError('mapping.synonym_conflict', `'${typed}' already gives ${list} '${current.ma}' (${current.ten}), not '${code}'; remove that synonym first if it is wrong`, { status: 409 });
  }
  if (current) return { added: false, code: current.ma };
  const codes = { ...json.codes };
  const spec = codes[list] ?? {};
  codes[list] = { ...spec, synonyms: { ...spec.synonyms, [typed]: code } };
  return { added: true, overlay: { ...json, codes } };
}

/** The overlay without the synonym of `list` whose key equals `value`'s; refuses one it does not hold. */
export function withoutSynonym(json: OverlayJson, list: string, value: string): { overlay: OverlayJson; removed: OverlaySynonym } {
  const key = codeKey(value);
  const spec = json.codes?.[list];
  const found = Object.entries(spec?.synonyms ?? {}).find(([from]) => codeKey(from) === key);
  if (!spec || !found) {
    throw new MappingError('mapping.synonym_not_found', `the overlay has no synonym '${normaliseText(value)}' in '${list}' (shipped synonyms are changed in the mapping, not the overlay)`, { status: 404 });
  }
  const synonyms = Object.fromEntries(Object.entries(spec.synonyms ?? {}).filter(([from]) => from !== found[0]));
  const codes = { ...json.codes };
  if (Object.keys(synonyms).length === 0 && spec.$comment === undefined) delete codes[list];
  else codes[list] = { ...spec, synonyms };
  return { overlay: { ...json, codes }, removed: { list, value: found[0], code: found[1] } };
}
