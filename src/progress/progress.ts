/**
 * How long work tells whoever started it how far it is: a callback the capability is given
 * (sync, map --all, mapping gaps, demo-data, audit verify, pull), called with counts only, never
 * with a person's data. Drawing it (a bar on a terminal, log lines otherwise) is the CLI's
 * business (src/cli/progress-reporter.ts). No I/O here.
 */
export interface ProgressEvent {
  /** Items done so far (people, audit entries, steps), counted from the start of the work. */
  done: number;
  /** How many there are in all; undefined while the work does not know yet. */
  total: number | undefined;
}

export type OnProgress = (event: ProgressEvent) => void;
