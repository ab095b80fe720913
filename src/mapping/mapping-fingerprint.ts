import { createHash } from 'node:crypto';
import type { NationalContract } from '../contract/national-contract.js';
import type { MappingDocument } from './mapping-document.js';
import { overlaySynonyms, type OverlayJson } from './mapping-overlay.js';

/**
 * What a person's mapping outcome depends on besides their own data: the mapping's rules and
 * synonyms, the province's overlay and the national code lists. The sync keeps this hash with
 * each version it records, so a version refused by the gateway's own mapping is mapped again
 * once any of them changed (docs/decisions/mapping-upkeep.md).
 * Comments, file names, an empty overlay and where pulled records are staged (`staging`) do
 * not count: they change no outcome. Pure.
 */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '$comment').map(([k, v]) => [k, withoutComments(v)]));
}

export function mappingFingerprint(documents: MappingDocument[], contract: NationalContract): string {
  const hash = createHash('sha256');
  for (const d of documents) {
    if (d.overlay === true) continue;
    const json = typeof d.json === 'object' && d.json !== null && 'staging' in d.json ? { ...d.json, staging: undefined } : d.json;
    hash.update(JSON.stringify(withoutComments(json))).update('\n');
  }
  const overlay = documents.filter((d) => d.overlay === true).flatMap((d) => overlaySynonyms(d.json as OverlayJson));
  if (overlay.length > 0) hash.update(JSON.stringify(overlay.map((s) => [s.list, s.value, s.code]))).update('\n');
  for (const [name, list] of [...contract.codes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(name).update(JSON.stringify(list.items)).update('\n');
  }
  return hash.digest('hex');
}
