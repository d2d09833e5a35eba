import type { Pipeline, PipelineNode } from '../../runtime/index.ts';

/**
 * Where each agent of a pipeline goes when it is drawn: rows from the entry downwards, edges for
 * handoffs, agents called as tools, fan-out branches and merges. Plain numbers, no DOM: the graph
 * component draws them, and a test checks them.
 */
export type EdgeKind = 'handoff' | 'agent_tool' | 'branch' | 'merge';

export interface GraphNode {
  name: string;
  kind: 'agent' | 'fan_out';
  entry: boolean;
  /** Not reachable from the entry by any edge: it never runs. */
  unreachable: boolean;
  tools: string[];
  adapter?: string;
  row: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Goes back up (a handoff to an agent above): drawn round the side. */
  back: boolean;
  /** SVG path data. */
  path: string;
}

export interface GraphLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 150;
const TITLE_HEIGHT = 40;
const CHIP_HEIGHT = 20;
const COLUMN_GAP = 24;
const ROW_GAP = 56;
/** Room at a side for the edges that go round it. */
const SIDE_MARGIN = 48;
const PAD = 8;

const isFanOut = (node: PipelineNode): node is Extract<PipelineNode, { kind: 'fan_out' }> =>
  node.kind === 'fan_out';

/** Each node's outgoing edges, in the pipeline's order. */
export function edgesOf(node: PipelineNode): Array<{ to: string; kind: EdgeKind }> {
  if (isFanOut(node))
    return [
      ...node.branches.map((to) => ({ to, kind: 'branch' as const })),
      { to: node.merge, kind: 'merge' as const },
    ];
  return [
    ...node.handoffs.map((to) => ({ to, kind: 'handoff' as const })),
    ...node.agentTools.map((to) => ({ to, kind: 'agent_tool' as const })),
  ];
}

export function layoutPipeline(pipeline: Pipeline): GraphLayout {
  const nodes = new Map(pipeline.agents.map((node) => [node.name, node]));
  const out = (name: string) => {
    const node = nodes.get(name);
    return node ? edgesOf(node).filter((e) => nodes.has(e.to)) : [];
  };

  // Forward edges: those a depth-first walk from the entry does not find going back to an agent on
  // its own path (those are the loops, drawn going up). Agents the entry cannot reach are walked
  // afterwards, in the pipeline's order.
  const state = new Map<string, 'open' | 'done'>();
  const backEdges = new Set<string>();
  const reached = new Set<string>();
  const walk = (name: string, fromEntry: boolean) => {
    state.set(name, 'open');
    if (fromEntry) reached.add(name);
    for (const edge of out(name)) {
      if (state.get(edge.to) === 'open') backEdges.add(`${name}\u0000${edge.to}\u0000${edge.kind}`);
      else if (!state.has(edge.to)) walk(edge.to, fromEntry);
    }
    state.set(name, 'done');
  };
  if (nodes.has(pipeline.entry)) walk(pipeline.entry, true);
  for (const name of nodes.keys()) if (!state.has(name)) walk(name, false);

  // Rows by longest path over forward edges, and a merge step below every branch of its fan-out.
  const before = new Map<string, Set<string>>([...nodes.keys()].map((n) => [n, new Set()]));
  for (const [name, node] of nodes) {
    for (const edge of out(name)) {
      if (!backEdges.has(`${name}\u0000${edge.to}\u0000${edge.kind}`)) before.get(edge.to)!.add(name);
    }
    if (isFanOut(node) && nodes.has(node.merge)) {
      for (const branch of node.branches) {
        if (nodes.has(branch) && branch !== node.merge && !reachesFrom(node.merge, branch, out))
          before.get(node.merge)!.add(branch);
      }
    }
  }
  const row = new Map<string, number>();
  const rowOf = (name: string, seen: Set<string>): number => {
    const known = row.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0; // an ordering constraint that closes a circle: ignored
    seen.add(name);
    let r = 0;
    for (const prior of before.get(name)!) r = Math.max(r, rowOf(prior, seen) + 1);
    seen.delete(name);
    row.set(name, r);
    return r;
  };
  // Unreachable agents sit below everything that runs.
  const reachableRows = [...nodes.keys()].filter((n) => reached.has(n)).map((n) => rowOf(n, new Set()));
  const floor = reachableRows.length ? Math.max(...reachableRows) + 1 : 0;
  for (const name of nodes.keys()) if (!reached.has(name)) row.set(name, floor + rowOf(name, new Set()));

  const rows: string[][] = [];
  for (const name of nodes.keys()) (rows[row.get(name)!] ??= []).push(name);
  const heightOf = (node: PipelineNode) =>
    TITLE_HEIGHT + (isFanOut(node) ? 0 : (node.tools.length + (node.adapter ? 1 : 0)) * CHIP_HEIGHT) + PAD;
  const widest = Math.max(1, ...rows.map((r) => r?.length ?? 0));
  const contentWidth = widest * NODE_WIDTH + (widest - 1) * COLUMN_GAP;

  const placed = new Map<string, GraphNode>();
  let y = PAD;
  for (const [r, names] of rows.entries()) {
    if (!names) continue;
    const rowWidth = names.length * NODE_WIDTH + (names.length - 1) * COLUMN_GAP;
    let x = (contentWidth - rowWidth) / 2;
    let tallest = 0;
    for (const name of names) {
      const node = nodes.get(name)!;
      const height = heightOf(node);
      placed.set(name, {
        name,
        kind: isFanOut(node) ? 'fan_out' : 'agent',
        entry: name === pipeline.entry,
        unreachable: !reached.has(name),
        tools: isFanOut(node) ? [] : [...node.tools],
        ...(!isFanOut(node) && node.adapter ? { adapter: node.adapter } : {}),
        row: r,
        x,
        y,
        width: NODE_WIDTH,
        height,
      });
      x += NODE_WIDTH + COLUMN_GAP;
      tallest = Math.max(tallest, height);
    }
    y += tallest + ROW_GAP;
  }

  // An edge to the next row goes straight down; any other (back up, along a row, or over rows in
  // between, whose boxes it would cross) goes round the side of the drawing nearer to its ends.
  const routes = [...nodes.keys()].flatMap((name) =>
    out(name).map((edge, i, siblings) => {
      const from = placed.get(name)!;
      const to = placed.get(edge.to)!;
      const back = backEdges.has(`${name}\u0000${edge.to}\u0000${edge.kind}`) || to.row <= from.row;
      const direct = !back && to.row === from.row + 1;
      const middle = (from.x + to.x + NODE_WIDTH) / 2;
      const side: 'left' | 'right' = middle < contentWidth / 2 ? 'left' : 'right';
      return { name, edge, i, count: siblings.length, from, to, back, direct, side };
    }),
  );
  const left = routes.some((r) => !r.direct && r.name !== r.edge.to && r.side === 'left') ? SIDE_MARGIN : 0;
  const right = routes.some((r) => !r.direct && (r.name === r.edge.to || r.side === 'right'))
    ? SIDE_MARGIN
    : 0;
  const shift = PAD + left;
  for (const node of placed.values()) node.x += shift;

  const lanes = { left: 0, right: 0 };
  const edges: GraphEdge[] = routes.map(({ name, edge, i, count, from, to, back, direct, side }) => {
    let path: string;
    if (edge.to === name) {
      // An agent that hands off to itself: a small loop on its right side.
      const sx = from.x + from.width;
      const sy = from.y + 12;
      path = `M ${sx} ${sy} C ${sx + 30} ${sy - 10}, ${sx + 30} ${sy + 30}, ${sx} ${sy + 20}`;
    } else if (direct) {
      // Leaves from the bottom edge, spread out when there are several, and enters at the top.
      const sx = from.x + (from.width * (i + 1)) / (count + 1);
      const sy = from.y + from.height;
      const tx = to.x + to.width / 2;
      const ty = to.y;
      const mid = (sy + ty) / 2;
      path = `M ${sx} ${sy} C ${sx} ${mid}, ${tx} ${mid}, ${tx} ${ty}`;
    } else {
      // Out of the side to a lane in the margin (each edge a lane further out), along it, and
      // back in at the same side: straight runs with rounded corners cross no box on the way.
      const lane = lanes[side]++ % 3;
      const out = side === 'left' ? -1 : 1;
      const edgeX = (node: GraphNode) => (side === 'left' ? node.x : node.x + node.width);
      const bend = side === 'left' ? shift - 14 - lane * 10 : shift + contentWidth + 14 + lane * 10;
      const sy = from.y + from.height / 2 + (back ? -6 : 6);
      const ty = to.y + to.height / 2 + (back ? 6 : -6);
      const down = ty >= sy ? 1 : -1;
      const r = Math.min(8, Math.abs(ty - sy) / 2);
      path =
        `M ${edgeX(from)} ${sy} H ${bend - out * r} Q ${bend} ${sy} ${bend} ${sy + down * r} ` +
        `V ${ty - down * r} Q ${bend} ${ty} ${bend - out * r} ${ty} H ${edgeX(to)}`;
    }
    return { from: name, to: edge.to, kind: edge.kind, back, path };
  });
  return {
    nodes: [...placed.values()],
    edges,
    width: contentWidth + 2 * PAD + left + right,
    height: Math.max(y - ROW_GAP + PAD, 0),
  };
}

/** Whether `target` can be reached from `start` by following edges (so ordering it first would close a circle). */
function reachesFrom(start: string, target: string, out: (name: string) => Array<{ to: string }>): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const at = stack.pop()!;
    if (at === target) return true;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const edge of out(at)) stack.push(edge.to);
  }
  return false;
}
