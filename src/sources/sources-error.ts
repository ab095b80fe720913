import { GatewayError } from '../errors.js';

/**
 * What is wrong with a sources file (SOURCES_FILE), one code per kind of problem. The file is
 * refused whole, before any database is opened, with `sources.invalid_file` and one line per
 * problem, each starting with its own code:
 * - sources.unreadable: the file cannot be read;
 * - sources.not_json: it is not valid JSON;
 * - sources.not_array: its top level is not a non-empty array of sources;
 * - sources.entry_malformed: an entry is not an object, has an unknown key, or a value of the
 *   wrong type (databaseUrl not a PostgreSQL URL, conflictPolicy not a known policy);
 * - sources.name_malformed: a name outside [a-z0-9-]{1,32};
 * - sources.name_duplicate: two sources with one name;
 * - sources.mapping_missing: an entry without a mapping, or whose mapping does not exist;
 * - sources.url_duplicate: two sources reading the same database (URLs compared normalised).
 * A stored problem and a refusal: `sources.source_removed` marks the versions a source left
 * queued when it was removed from the file, held instead of sent (removed-source.ts), and
 * refuses (409) an operator's action that would act for a removed source (a re-send of a
 * person it speaks for, a `prefer` naming it): nothing more is sent for it.
 * `sources.source_unavailable` (503, retryable): a listed source's database cannot be opened or
 * read right now for a read that needs it (a person explained from that source); the
 * database's own error is kept as the cause, for the log, not put in the answer.
 */
export type SourcesProblemCode =
  | 'sources.unreadable'
  | 'sources.not_json'
  | 'sources.not_array'
  | 'sources.entry_malformed'
  | 'sources.name_malformed'
  | 'sources.name_duplicate'
  | 'sources.mapping_missing'
  | 'sources.url_duplicate';

export type SourcesErrorCode = 'sources.invalid_file' | 'sources.unknown_source' | 'sources.source_removed' | 'sources.source_unavailable';

/** The code of a removed source's held versions and refused actions, as stored and as answered. */
export const SOURCE_REMOVED = 'sources.source_removed' satisfies SourcesErrorCode;

export interface SourcesProblem {
  code: SourcesProblemCode;
  /** Where in the file: a JSON pointer (`/1/name`), or '' for the file as a whole. */
  path: string;
  message: string;
}

export class SourcesError extends GatewayError {
  declare readonly code: SourcesErrorCode;

  constructor(code: SourcesErrorCode, message: string, options: { status?: number; details?: { path: string; message: string }[]; retryable?: boolean; cause?: unknown } = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

/** The refusal of a whole file: its first line names the file, then one line per problem. */
export function invalidSourcesFile(file: string, problems: readonly SourcesProblem[]): SourcesError {
  const lines = problems.map((p) => `  ${p.code}: ${p.path === '' ? '' : `${p.path}: `}${p.message}`);
  return new SourcesError('sources.invalid_file', [`sources file ${file} refused (tệp nguồn bị từ chối), ${problems.length} problem(s):`, ...lines].join('\n'), {
    details: problems.map((p) => ({ path: p.path, message: `${p.code}: ${p.message}` })),
  });
}

/** A source named on the command line or in a query that the sources file does not list. */
export function unknownSource(name: string, known: readonly string[]): SourcesError {
  return new SourcesError('sources.unknown_source', `no source named '${name}' (không có nguồn '${name}'); known: ${known.join(', ')}`, { status: 400 });
}

/** An operator's action for a source no longer in the sources file: refused, nothing sent for it. */
export function sourceRemoved(name: string, action: string): SourcesError {
  return new SourcesError(SOURCE_REMOVED,
    `source '${name}' was removed from the sources file: ${action} is refused, nothing more is sent for it (nguồn '${name}' đã bị gỡ khỏi tệp nguồn: thao tác bị từ chối)`,
    { status: 409 });
}

/** A listed source whose database cannot be opened or read right now: 503, try again. */
export function sourceUnavailable(name: string, cause: unknown): SourcesError {
  return new SourcesError('sources.source_unavailable',
    `source '${name}' cannot be reached right now; try again later (nguồn '${name}' hiện không kết nối được; thử lại sau)`,
    { status: 503, retryable: true, cause });
}
