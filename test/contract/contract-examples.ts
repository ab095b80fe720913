import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The contract's own examples (copied unchanged from ../shared/contract/examples into
 * test/fixtures/contract-examples), fresh for each call so a test can alter its copy.
 */
export const examplesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'contract-examples');

export function exampleBytes(file: 'official.json' | 'official.xml' | 'packet.json'): Buffer {
  return readFileSync(join(examplesDir, file));
}

// Test data is known JSON; `any` keeps the arrange steps short (`rec.data.luong.heSo = 3.67`).
/* eslint-disable @typescript-eslint/no-explicit-any */
export function exampleOfficial(): any {
  return JSON.parse(exampleBytes('official.json').toString('utf8'));
}

export function examplePacket(): any {
  return JSON.parse(exampleBytes('packet.json').toString('utf8'));
}
