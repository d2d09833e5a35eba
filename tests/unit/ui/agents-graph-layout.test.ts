import { describe, expect, it } from 'vitest';
import { pipelineSchema, type PipelineInput } from '../../../src/agent/index.ts';
import { layoutPipeline, type GraphNode } from '../../../src/ui/agents/graph-layout.ts';
import { presets } from '../../../src/ui/agents/pipeline-library.ts';

const layout = (input: PipelineInput) => layoutPipeline(pipelineSchema.parse(input));
const byName = (nodes: GraphNode[]) => Object.fromEntries(nodes.map((n) => [n.name, n]));
const overlap = (a: GraphNode, b: GraphNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Every coordinate of SVG path data (M, C, Q: x y pairs; H: an x; V: a y), absolute commands only. */
function points(path: string): Array<[number | undefined, number | undefined]> {
  const out: Array<[number | undefined, number | undefined]> = [];
  let command = '';
  let pending: number[] = [];
  for (const token of path.match(/[A-Za-z]|-?\d+(?:\.\d+)?/g)!) {
    if (/[A-Za-z]/.test(token)) {
      command = token;
      pending = [];
      continue;
    }
    const value = Number(token);
    if (command === 'H') out.push([value, undefined]);
    else if (command === 'V') out.push([undefined, value]);
    else if ((pending = [...pending, value]).length === 2) {
      out.push([pending[0], pending[1]]);
      pending = [];
    }
  }
  return out;
}

describe('the pipeline graph layout', () => {
  it('puts each agent a row below the one that leads to it, a merge below its branches, loops going up', () => {
    const research = presets.find((p) => p.id === 'research-team')!;
    const graph = layout(research.pipeline);
    const rows = Object.fromEntries(graph.nodes.map((n) => [n.name, n.row]));
    expect(rows).toEqual({ triage: 0, math: 1, research: 1, library: 2, clock: 2, writer: 3, critic: 4 });
    const edges = graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}${e.back ? ':back' : ''}`);
    expect(edges.sort()).toEqual(
      [
        'triage>math:handoff',
        'triage>research:handoff',
        'math>triage:handoff:back',
        'research>library:branch',
        'research>clock:branch',
        'research>writer:merge',
        'writer>critic:agent_tool',
      ].sort(),
    );
    expect(byName(graph.nodes).triage!.entry).toBe(true);
    expect(graph.nodes.every((n) => !n.unreachable)).toBe(true);
  });

  it('never overlaps two boxes, and keeps every box and edge end inside the drawing', () => {
    for (const preset of presets) {
      const graph = layout(preset.pipeline);
      for (const [i, a] of graph.nodes.entries())
        for (const b of graph.nodes.slice(i + 1)) expect(overlap(a, b), `${a.name} / ${b.name}`).toBe(false);
      for (const node of graph.nodes) {
        expect(node.x).toBeGreaterThanOrEqual(0);
        expect(node.y).toBeGreaterThanOrEqual(0);
        expect(node.x + node.width).toBeLessThanOrEqual(graph.width);
        expect(node.y + node.height).toBeLessThanOrEqual(graph.height);
      }
      for (const edge of graph.edges) {
        for (const [x, y] of points(edge.path)) {
          if (x !== undefined) expect(x, `${edge.from}>${edge.to}`).toBeLessThanOrEqual(graph.width);
          if (y !== undefined) expect(y, `${edge.from}>${edge.to}`).toBeLessThanOrEqual(graph.height);
        }
      }
    }
  });

  it('marks an agent nothing leads to, below the rest; draws a self-handoff as a loop', () => {
    const graph = layout({
      version: 1,
      name: 'loose',
      entry: 'a',
      agents: [
        { name: 'a', handoffs: ['a', 'b'], tools: ['calculator'], adapter: 'x@1' },
        { name: 'b' },
        { name: 'orphan' },
      ],
    });
    const nodes = byName(graph.nodes);
    expect(nodes.orphan!.unreachable).toBe(true);
    expect(nodes.orphan!.row).toBeGreaterThan(nodes.b!.row);
    expect(nodes.a!.tools).toEqual(['calculator']);
    expect(nodes.a!.adapter).toBe('x@1');
    // Two chips (the adapter and the tool) make the box taller than one without.
    expect(nodes.a!.height).toBeGreaterThan(nodes.b!.height);
    const self = graph.edges.find((e) => e.from === 'a' && e.to === 'a')!;
    expect(self.back).toBe(true);
    expect(self.path.startsWith(`M ${nodes.a!.x + nodes.a!.width} `)).toBe(true);
  });
});
