import { readdir, readFile } from 'node:fs/promises';

/**
 * Memory of a process and all its descendants (Embargo and the embedded
 * PostgreSQL it runs): the sum of VmRSS, and the sum of PSS, which counts a
 * page shared by n processes (PostgreSQL's shared buffers, code) 1/n in each,
 * so the sum is what the whole tree costs the machine. Linux /proc; MB.
 */
export async function treeMemoryMb(root: number): Promise<{ rss: number; pss: number; processes: number } | undefined> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  if (!parents.has(root)) return undefined;
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let rssKb = 0;
  let pssKb = 0;
  for (const pid of tree) {
    try {
      rssKb += Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      pssKb += Number(/^Pss:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* exited meanwhile */
    }
  }
  return { rss: Math.round(rssKb / 1024), pss: Math.round(pssKb / 1024), processes: tree.size };
}
