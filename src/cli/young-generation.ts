import { setFlagsFromString } from 'node:v8';

/**
 * Keeps the young generation of this process (and of its mapping threads, V8's flags being the
 * process's) at its starting size for a sync. Left to V8, a first sync's young generation grew
 * from 2 to 32 MB on the main thread: a chunk's rows, records and envelopes die young, V8 sees a
 * high survival rate on a busy scavenge and doubles the semi-spaces, and the old generation is
 * then sized after what the larger scavenges promote; the peak RSS grew with the number of people
 * (docs/decisions/sync-throughput.md). The semi-spaces' maximum is fixed when V8 starts
 * (`--max-semi-space-size` takes the command line), but their growth factor is read each time
 * V8 decides to grow them, so setting it to 1 once at run time keeps them at their minimum.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
