import { parseArgs } from 'node:util';
import { configFrom, loadRawConfig } from '../../config/config.js';
import { CONFIG_KEYS } from '../../config/config-schema.js';
import { redactUrl } from '../../db/db.js';
import type { CliCommand } from '../command.js';

const SECRET = /SECRET|PASSPHRASE/;

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'Check the configuration and print the effective values (secrets hidden)',
  usage: `Usage: csdl-gateway config

Reads config/default.json, CONFIG_FILE and the environment, validates them as start-up does,
and prints every key with its effective value. Secrets are shown as ***, passwords in URLs
are hidden. Exits 2 with one line naming the key when a value is wrong.`,
  async run(argv, io) {
    parseArgs({ args: argv, options: {}, strict: true });
    // One read of the layers: validated as start-up does, then printed as validated.
    const raw = loadRawConfig();
    configFrom(raw);
    for (const key of CONFIG_KEYS) {
      const value = raw[key];
      let shown = value === undefined ? '(unset)' : String(value);
      if (value !== undefined && SECRET.test(key)) shown = '***';
      if (value !== undefined && key.endsWith('_URL')) shown = redactUrl(String(value));
      io.out(`${key.padEnd(22)} ${shown}`);
    }
    return 0;
  },
};
