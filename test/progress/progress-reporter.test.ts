import { expect } from 'chai';
import { progressLine, progressReporter } from '../../src/cli/progress-reporter.js';

/**
 * Progress off a terminal (a pipe, a log file): a line per tenth done or per ten seconds,
 * and a last line; on a terminal cli-progress draws the bar. Time comes from a clock the
 * test moves, so nothing here depends on how fast the machine is.
 */
function capture(tty = false) {
  const written: string[] = [];
  let now = 0;
  const reporter = progressReporter({
    label: 'sync', unit: 'people', tty, clock: () => now,
    stream: { write: (t: string) => written.push(t), isTTY: tty },
  });
  return { reporter, written, tick: (ms: number) => (now += ms) };
}

describe('progress reporter', function () {
  it('off a terminal: one line per tenth, none in between, and the last line', function () {
    const { reporter, written, tick } = capture();
    for (let done = 10; done <= 500; done += 10) {
      tick(100);
      reporter.onProgress({ done, total: 500 });
    }
    reporter.stop();
    const lines = written.join('').trimEnd().split('\n');
    expect(lines).to.have.length(12);
    expect(lines[0]).to.equal('sync: 10/500 people (2%), 100/s, ETA 5s');
    expect(lines[1]).to.equal('sync: 50/500 people (10%), 100/s, ETA 5s');
    expect(lines[10]).to.equal('sync: 500/500 people (100%), 100/s');
    expect(lines[11]).to.equal('sync: 500/500 people done in 5s');
  });

  it('off a terminal: slow work still says something every ten seconds', function () {
    const { reporter, written, tick } = capture();
    reporter.onProgress({ done: 1, total: 1000 });
    for (let i = 0; i < 30; i += 1) {
      tick(1000);
      reporter.onProgress({ done: 2 + i, total: 1000 });
    }
    // The first event, then at 10 s, 20 s and 30 s.
    expect(written).to.have.length(4);
    expect(written[1]).to.match(/^sync: 11\/1000 people \(1%\), 1\/s, ETA \d+m\d\ds\n$/);
  });

  it('an unknown total: counts and rate, no percentage', function () {
    expect(progressLine('map', 'people', { done: 300, total: undefined }, 2000)).to.equal('map: 300 people, 150/s');
  });

  it('notes go on their own line; nothing after stop', function () {
    const { reporter, written } = capture();
    reporter.note('packets built 3; sending');
    reporter.stop();
    reporter.onProgress({ done: 5, total: 5 });
    expect(written).to.deep.equal(['sync: packets built 3; sending\n']);
  });

  it('on a terminal the bar is cli-progress\'s, drawn once the total is known, on the given stream', function () {
    const out: string[] = [];
    const stream = { write: (t: string) => out.push(t), isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
    let now = 0;
    const reporter = progressReporter({ label: 'map', unit: 'people', clock: () => now, stream });
    reporter.onProgress({ done: 10, total: undefined });
    expect(out.join('')).to.equal('');
    now = 1000;
    reporter.onProgress({ done: 50, total: 100 });
    reporter.stop();
    expect(out.join('')).to.match(/map \[[^\]]+\] 50% \| 50\/100 people \| 50\/s/);
  });
});
