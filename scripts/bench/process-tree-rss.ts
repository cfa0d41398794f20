// The resident memory of a process and all its descendants, read from /proc, for benchmarks that spawn children.
import { readdirSync, readFileSync } from 'node:fs';

/** Parent of every live process. The kernel here has no /proc/<pid>/task/<tid>/children, so the ppids are read. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrEmpty(`/proc/${name}/stat`);
    // The command name in parentheses may hold spaces and parentheses; the fields after the last ')' do not.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parents.set(Number(name), ppid);
  }
  return parents;
}

/** A process that ended between listing /proc and reading it reads as empty. */
function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `root` and every process below it. */
export function processTree(root: number, parents: Map<number, number> = parentsByPid()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const siblings = children.get(ppid);
    if (siblings) siblings.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

function vmRssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readOrEmpty(`/proc/${pid}/status`));
  return match ? Number(match[1]) : 0;
}

/**
 * The tree's summed VmRSS and that of its top process alone (the command itself, below a wrapper such as GNU time),
 * in MiB, from one listing of /proc.
 */
export function treeAndTopRssMiB(root: number, options: { includeRoot: boolean }): { tree: number; top: number } {
  const parents = parentsByPid();
  const pids = processTree(root, parents).filter((pid) => options.includeRoot || pid !== root);
  const top = options.includeRoot ? root : [...parents].find(([, ppid]) => ppid === root)?.[0];
  return { tree: pids.reduce((sum, pid) => sum + vmRssKiB(pid), 0) / 1024, top: top === undefined ? 0 : vmRssKiB(top) / 1024 };
}
