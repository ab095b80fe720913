import type { NationalContract } from '../contract/national-contract.js';
import type { LoadProblem } from './mapping-error.js';
import type { CodeMatcher, SourceSpec } from './mapping-types.js';

/** One rule of a mapping file, as written (mappings/README.md): compiled by rule-compiler.ts. */
export type Rule = Record<string, unknown>;

/** What compiling the rules of one direction sees, and where it collects problems. */
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
