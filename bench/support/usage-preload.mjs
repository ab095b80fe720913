// Loaded into the gateway's child process with `node --import` by the sync bench: at exit it
// writes the process's own resource usage (peak RSS, CPU) to BENCH_USAGE_FILE, so the bench
// measures the gateway alone, on any machine, without /usr/bin/time.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({
      code, maxRssKb: u.maxRSS, userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, uptimeMs: process.uptime() * 1000,
    }));
  });
}
