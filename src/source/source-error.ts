import { CodedError } from '../errors.js';

/**
 * Reading persons from the provincial database went wrong in a way the mapping or the data
 * must fix: `source.person_missing` (a chosen person yielded no document: the mapping's
 * documentSql drops people the person filter keeps), `source.person_duplicate` (it yielded
 * two), `source.units_cycle` (the unit tree's parents loop), `source.units_unmapped` (the
 * mapping declares no unit tree to read), `source.units_unreadable` (a merged province's source
 * could not be read, so the joined unit tree is not replaced).
 */
export type SourceErrorCode =
  | 'source.person_missing'
  | 'source.person_duplicate'
  | 'source.units_cycle'
  | 'source.units_unmapped'
  | 'source.units_unreadable';

export class SourceError extends CodedError<SourceErrorCode> {}
