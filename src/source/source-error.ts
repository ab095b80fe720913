import { CodedError } from '../errors.js';

/**
 * Reading persons from the provincial database went wrong in a way the mapping or the data
 * must fix: `source.person_missing` (a chosen person yielded no document: the mapping's
 * documentSql drops people the person filter keeps), `source.person_duplicate` (it yielded
 * two), `source.units_cycle` (the unit tree's parents loop), `source.units_unmapped` (the
 * mapping declares no unit tree to read).
 */
export type SourceErrorCode =
  | 'source.person_missing'
  | 'source.person_duplicate'
  | 'source.units_cycle'
  | 'source.units_unmapped';

export class SourceError extends CodedError<SourceErrorCode> {}
