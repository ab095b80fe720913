/**
 * Reads a V8 CPU profile (`node --cpu-prof`, or the inspector's Profiler.stop) and says where
 * the samples went: each sample is charged to the innermost frame of the project's own code
 * on its stack (a library's time counts for the project file that called it), and separately
 * to the library or runtime bucket it was really in. Idle and GC are their own buckets.
 */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** By the innermost project file (src/<folder>/<file>) on the stack. */
  byProjectFile: Map<string, number>;
  /** By where the sample really was: a project folder, a package, node internals, GC, idle. */
  bySelf: Map<string, number>;
  /** The hottest functions by self time. */
  topFunctions: Map<string, number>;
}

const PROJECT = /\/(?:src|dist)\/([^/]+\/[^/]+?)(?:\.[jt]s)?$/;
const PACKAGE = /node_modules\/((?:@[^/]+\/)?[^/]+)/;

/** 'folder/file' for the project's own code (src/ under tsx, dist/ when built); not packages'. */
function projectFile(url: string): string | undefined {
  return PACKAGE.test(url) ? undefined : PROJECT.exec(url)?.[1];
}

function selfBucket(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
  const pkg = PACKAGE.exec(url)?.[1];
  if (pkg) return `pkg ${pkg}`;
  const own = projectFile(url);
  if (own) return `src/${own.split('/')[0]}`;
  if (url.startsWith('node:') || url === '') return 'node internals / native';
  return 'other';
}

/**
 * `window` (µs, the profile's own monotonic clock, which is process.hrtime's on Linux) keeps
 * only the samples taken inside it, e.g. the sync run without the process's start-up.
 */
export function summariseProfile(profile: CpuProfile, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const projectOf = new Map<number, string>();
  const owner = (id: number): string => {
    const cached = projectOf.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    const own = node ? projectFile(node.callFrame.url) : undefined;
    const up = parent.get(id);
    const found = own ? `src/${own}` : up === undefined ? `(outside project code: ${node ? selfBucket(node.callFrame) : '?'})` : owner(up);
    projectOf.set(id, found);
    return found;
  };
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const from = window?.fromUs ?? profile.startTime;
  const to = window?.toUs ?? profile.endTime;
  const summary: ProfileSummary = { totalMs: (Math.min(to, profile.endTime) - Math.max(from, profile.startTime)) / 1000, byProjectFile: new Map(), bySelf: new Map(), topFunctions: new Map() };
  // timeDeltas[i] is the time before sample i; the time a sample stands for is the next delta.
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i]!;
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) continue;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node) continue;
    const self = selfBucket(node.callFrame);
    add(summary.bySelf, self, ms);
    if (self === '(idle)') continue;
    add(summary.byProjectFile, self === '(garbage collector)' ? '(garbage collector)' : owner(id), ms);
    const where = node.callFrame.url.replace(/^.*\/(node_modules|src|dist)\//, '$1/');
    add(summary.topFunctions, `${node.callFrame.functionName || '(anonymous)'} ${where}`, ms);
  }
  return summary;
}

/** The biggest entries of a bucket map as aligned lines, with their share of `of`. */
export function topLines(m: Map<string, number>, of: number, n: number): string[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${(ms / 1000).toFixed(2).padStart(8)} s ${((100 * ms) / of).toFixed(1).padStart(5)}%  ${k}`);
}
