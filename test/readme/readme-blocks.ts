import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../../src/paths.js';

/**
 * The README's ```sh blocks, as a reader copies them. The line right above a block may mark it:
 *   <!-- readme-test: skip (REASON) -->   not run (installs, placeholders of a real deployment,
 *                                         a command that runs until stopped); the reason is required
 *   <!-- readme-test: stopped -->          run with the embedded gateway stopped (a command that
 *                                         opens the embedded store itself: one process per folder)
 * Unmarked blocks run against the running embedded gateway.
 */
export interface ReadmeBlock {
  line: number;
  mode: 'running' | 'stopped' | 'skip';
  reason?: string;
  script: string;
}

const MARKER = /^<!-- readme-test: (skip|stopped)(?: \((.+)\))? -->$/;

export function readmeShellBlocks(text = readFileSync(join(paths.root, 'README.md'), 'utf8')): ReadmeBlock[] {
  const lines = text.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: a sh block is not closed`);
    const marker = MARKER.exec(lines[i - 1] ?? '');
    const mode = (marker?.[1] as 'skip' | 'stopped' | undefined) ?? 'running';
    if (mode === 'skip' && !marker?.[2]) throw new Error(`README.md:${i}: a skipped block must say why: <!-- readme-test: skip (REASON) -->`);
    blocks.push({ line: i + 1, mode, ...(marker?.[2] ? { reason: marker[2] } : {}), script: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}
