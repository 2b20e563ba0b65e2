/* eslint-disable no-console */
import { readFileSync } from 'node:fs';

/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=1): where the time goes by self time per
 * function, by inclusive time per function, and by area (a package in node_modules, a file of
 * ours, node internals, GC, idle).
 *   npx ts-node --transpile-only bench/profile-summary.ts bench/profiles/<file>.cpuprofile [top]
 */

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(idle)' || name === '(program)') return name;
  if (!url) return '(native/builtin)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(src|config|bench|test)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2].replace(/\.(js|ts)$/, '')}` : url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const where = (url: string, name: string) => {
    const inPackage = /node_modules\/(.*)$/.exec(url);
    return inPackage ? inPackage[1].replace(/^((?:@[^/]+\/)?[^/]+)\/(?:dist\/|lib\/|build\/)?/, '$1/') : area(url, name);
  };
  const key = (node: Node) => `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame.url, node.callFrame.functionName)}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const dt = profile.timeDeltas[index] ?? 0;
    total += dt;
    const node = byId.get(id)!;
    self.set(key(node), (self.get(key(node)) ?? 0) + dt);
    const a = area(node.callFrame.url, node.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const k = key(byId.get(current)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const show = (title: string, map: Map<string, number>, n: number) => {
    console.log(`\n${title}`);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
    }
  };
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
  show('by area (self time)', areas, top);
  show('by function (self time)', self, top);
  show('by function (inclusive time)', inclusive, top);
}

main();
