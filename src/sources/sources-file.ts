import { invalidSourcesFile, type SourcesProblem } from './sources-error.js';

/**
 * The sources of a merged province: one provincial database each, with the mapping of its
 * vendor. Without a sources file the gateway has one source, `default`, built from
 * SOURCE_DATABASE_URL and MAPPING_FILE (defaultSource). Pure: the file's text comes in, and
 * whether a mapping exists is asked of `exists`.
 */
export const DEFAULT_SOURCE = 'default';
export const SOURCE_NAME = /^[a-z0-9-]{1,32}$/;

export type ConflictPolicy = 'manual' | 'latest-approval';

export interface SourceEntry {
  name: string;
  /** Unset only on the embedded default: an embedded demo provincial database (DEMO_SOURCES). */
  databaseUrl: string | undefined;
  mapping: string;
  overlayFile: string | undefined;
}

export interface SourcesSetup {
  sources: readonly SourceEntry[];
  /**
   * Whether the province is merged: the sources came from a sources file, or are the rehearsal's
   * two demo databases (DEMO_SOURCES=2); false: the one default source.
   */
  fromFile: boolean;
  /** How two sources approving one person are settled: by an operator, or by the later approval. */
  conflictPolicy: ConflictPolicy;
}

const ENTRY_KEYS = new Set(['name', 'databaseUrl', 'mapping', 'overlayFile']);

/**
 * A URL reduced to what names a database: host (loopback spellings as one), port (5432 when
 * absent) and database name; user, password and options left out, since two users of one
 * database still read the same people. Undefined when it is not a PostgreSQL URL.
 */
export function normalisedDatabaseUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return undefined;
  const rawHost = parsed.hostname.toLowerCase().replace(/^\[|\]$/g, '') || parsed.searchParams.get('host') || 'localhost';
  const host = ['localhost', '127.0.0.1', '::1'].includes(rawHost) ? 'localhost' : rawHost;
  const port = parsed.port || '5432';
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
  return `${host}:${port}/${database}`;
}

/**
 * Parses and checks a sources file's text. Every problem is collected, then the file is
 * refused whole (SourcesError `sources.invalid_file`, one line per problem) or accepted.
 * The file is either an array of sources, or `{ "conflictPolicy": ..., "sources": [...] }`.
 */
export function parseSourcesFile(text: string, file: string, exists: (mapping: string) => boolean): SourcesSetup {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidSourcesFile(file, [{ code: 'sources.not_json', path: '', message: `not valid JSON (không phải JSON hợp lệ): ${(err as Error).message}` }]);
  }
  const problems: SourcesProblem[] = [];
  let list: unknown = json;
  let conflictPolicy: ConflictPolicy = 'manual';
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const top = json as Record<string, unknown>;
    for (const key of Object.keys(top)) {
      if (key !== 'sources' && key !== 'conflictPolicy') problems.push({ code: 'sources.entry_malformed', path: `/${key}`, message: `unknown key '${key}' (khoá không hợp lệ); expected sources, conflictPolicy` });
    }
    if (top.conflictPolicy !== undefined) {
      if (top.conflictPolicy === 'manual' || top.conflictPolicy === 'latest-approval') conflictPolicy = top.conflictPolicy;
      else problems.push({ code: 'sources.entry_malformed', path: '/conflictPolicy', message: "conflictPolicy must be 'manual' or 'latest-approval'" });
    }
    list = top.sources;
  }
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidSourcesFile(file, [...problems, { code: 'sources.not_array', path: '', message: 'expected a non-empty array of sources {name, databaseUrl, mapping, overlayFile?} (cần một mảng nguồn)' }]);
  }
  const sources: SourceEntry[] = [];
  const names = new Map<string, number>();
  const urls = new Map<string, number>();
  list.forEach((item: unknown, i) => {
    const at = `/${i}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ code: 'sources.entry_malformed', path: at, message: 'a source is an object {name, databaseUrl, mapping, overlayFile?}' });
      return;
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) problems.push({ code: 'sources.entry_malformed', path: `${at}/${key}`, message: `unknown key '${key}' (khoá không hợp lệ); expected name, databaseUrl, mapping, overlayFile` });
    }
    const { name, databaseUrl, mapping, overlayFile } = entry;
    const nameOk = typeof name === 'string' && SOURCE_NAME.test(name);
    if (!nameOk) {
      problems.push({ code: 'sources.name_malformed', path: `${at}/name`, message: `name ${JSON.stringify(name ?? null)} must match [a-z0-9-]{1,32} (tên nguồn không hợp lệ)` });
    } else if (names.has(name)) {
      problems.push({ code: 'sources.name_duplicate', path: `${at}/name`, message: `name '${name}' is already used by source /${names.get(name)} (tên nguồn bị trùng)` });
    } else {
      names.set(name, i);
    }
    const normal = typeof databaseUrl === 'string' ? normalisedDatabaseUrl(databaseUrl) : undefined;
    if (normal === undefined) {
      problems.push({ code: 'sources.entry_malformed', path: `${at}/databaseUrl`, message: 'databaseUrl must be a postgres:// or postgresql:// URL (URL cơ sở dữ liệu không hợp lệ)' });
    } else if (urls.has(normal)) {
      problems.push({ code: 'sources.url_duplicate', path: `${at}/databaseUrl`, message: `reads the same database (${normal}) as source /${urls.get(normal)} (hai nguồn cùng một cơ sở dữ liệu)` });
    } else {
      urls.set(normal, i);
    }
    if (typeof mapping !== 'string' || mapping.length === 0) {
      problems.push({ code: 'sources.mapping_missing', path: `${at}/mapping`, message: 'a source needs its mapping, e.g. "mappings/qlcb" (thiếu mapping)' });
    } else if (!exists(mapping)) {
      problems.push({ code: 'sources.mapping_missing', path: `${at}/mapping`, message: `mapping ${mapping} does not exist (không tìm thấy mapping)` });
    }
    if (overlayFile !== undefined && (typeof overlayFile !== 'string' || overlayFile.length === 0)) {
      problems.push({ code: 'sources.entry_malformed', path: `${at}/overlayFile`, message: 'overlayFile, when given, is a file path' });
    }
    if (nameOk && typeof databaseUrl === 'string' && typeof mapping === 'string') {
      sources.push({ name, databaseUrl, mapping, overlayFile: typeof overlayFile === 'string' ? overlayFile : undefined });
    }
  });
  if (problems.length > 0) throw invalidSourcesFile(file, problems);
  return { sources, fromFile: true, conflictPolicy };
}

/** The one source of a one-database province: SOURCE_DATABASE_URL and MAPPING_FILE, as always. */
export function defaultSource(databaseUrl: string | undefined, mapping: string, overlayFile: string): SourcesSetup {
  return { sources: [{ name: DEFAULT_SOURCE, databaseUrl, mapping, overlayFile }], fromFile: false, conflictPolicy: 'manual' };
}
