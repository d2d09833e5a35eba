import { css, html, LitElement, nothing, svg } from 'lit';
import type { Pipeline } from '../../runtime/index.ts';
import { blockHost, controls } from '../shell/shared-styles.ts';
import { layoutPipeline, type EdgeKind, type GraphNode } from './graph-layout.ts';

const edgeWords: Record<EdgeKind, string> = {
  handoff: 'hands over to',
  agent_tool: 'asks (agent as a tool)',
  branch: 'fans out to',
  merge: 'merges in',
};

/** Names longer than fit a node are cut; the full name is in the node's title and in the list. */
const fit = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/**
 * A pipeline drawn as a graph (SVG): agents and fan-out steps as boxes with their tools inside,
 * handoffs, agents called as tools, branches and merges as arrows of four kinds. The same graph
 * follows as a list, which is what a screen reader reads. `active` marks the agent whose turn it is.
 */
export class PipelineGraph extends LitElement {
  static override properties = { pipeline: { attribute: false }, active: {} };
  declare pipeline: Pipeline | null;
  declare active: string | null;

  constructor() {
    super();
    this.pipeline = null;
    this.active = null;
  }

  static override styles = [
    controls,
    blockHost,
    css`
      .canvas {
        overflow-x: auto;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--bg);
        padding: 0.25rem;
      }
      svg {
        display: block;
        margin: 0 auto;
        font-family: inherit;
      }
      .node > rect {
        fill: var(--surface);
        stroke: var(--border-strong);
        stroke-width: 1.5;
      }
      .node.entry > rect {
        stroke: var(--accent);
        stroke-width: 2.5;
      }
      .node.fan_out > rect {
        fill: var(--surface-2);
        stroke-dasharray: 5 3;
      }
      .node.unreachable {
        opacity: 0.6;
      }
      .node.active > rect {
        stroke: var(--accent);
        stroke-width: 4;
      }
      .node .name {
        fill: var(--fg);
        font-size: 13px;
        font-weight: 600;
      }
      .node .sub {
        fill: var(--muted);
        font-size: 11px;
      }
      .chip rect {
        fill: var(--surface-2);
        stroke: none;
      }
      .chip text {
        fill: var(--fg);
        font-size: 11px;
      }
      .edge {
        fill: none;
        stroke-width: 1.6;
      }
      .handoff {
        stroke: var(--accent);
        color: var(--accent);
      }
      .agent_tool {
        stroke: var(--fg);
        color: var(--fg);
        stroke-dasharray: 6 4;
      }
      .branch {
        stroke: var(--muted);
        color: var(--muted);
      }
      .merge {
        stroke: var(--muted);
        color: var(--muted);
        stroke-dasharray: 2 3;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0.4rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.85rem;
      }
      .legend li {
        display: flex;
        align-items: center;
        gap: 0.35rem;
      }
      details {
        margin-top: 0.5rem;
      }
      summary {
        cursor: pointer;
        font-weight: 600;
        font-size: 0.9rem;
      }
      ul.nodes {
        margin: 0.4rem 0 0;
        padding-inline-start: 1.1rem;
        line-height: 1.5;
        font-size: 0.9rem;
      }
      ul.nodes li {
        overflow-wrap: anywhere;
      }
    `,
  ];

  override render() {
    const pipeline = this.pipeline;
    if (!pipeline) return html`<p class="muted">The graph is drawn once the pipeline checks out.</p>`;
    const graph = layoutPipeline(pipeline);
    const agents = graph.nodes.filter((n) => n.kind === 'agent').length;
    const steps = graph.nodes.length - agents;
    const summary = `${pipeline.name}: ${agents} agent${agents === 1 ? '' : 's'}${steps ? `, ${steps} fan-out step${steps === 1 ? '' : 's'}` : ''}, starting at ${pipeline.entry}.`;
    const kinds = [...new Set(graph.edges.map((e) => e.kind))];
    return html`
      <div class="canvas" tabindex="0" aria-label="The pipeline graph (scrolls sideways when wide)">
        <svg
          viewBox="0 0 ${graph.width} ${graph.height}"
          width=${graph.width}
          height=${graph.height}
          role="img"
          aria-label=${`Graph of ${summary} The list below says the same.`}
          data-testid="pipeline-graph"
        >
          <defs>
            ${(['handoff', 'agent_tool', 'branch', 'merge'] as const).map(
              (kind) =>
                svg`<marker id="arrow-${kind}" class=${kind} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" stroke="none"></path></marker>`,
            )}
          </defs>
          ${graph.edges.map(
            (edge) =>
              svg`<path class="edge ${edge.kind}" d=${edge.path} marker-end="url(#arrow-${edge.kind})" data-edge="${edge.from}>${edge.to}" data-kind=${edge.kind}></path>`,
          )}
          ${graph.nodes.map((node) => this.renderNode(node))}
        </svg>
      </div>
      ${
        kinds.length
          ? html`<ul class="legend" aria-label="Arrows">
              ${kinds.map(
                (kind) =>
                  html`<li>
                    <svg width="28" height="10" aria-hidden="true">
                      ${svg`<line class="edge ${kind}" x1="1" y1="5" x2="27" y2="5"></line>`}
                    </svg>
                    ${edgeWords[kind]}
                  </li>`,
              )}
            </ul>`
          : nothing
      }
      <details open>
        <summary>The graph as a list</summary>
        <ul class="nodes" data-testid="graph-list">
          ${graph.nodes.map((node) => this.renderListItem(pipeline, node))}
        </ul>
      </details>
    `;
  }

  private renderNode(node: GraphNode) {
    const classes = [
      'node',
      node.kind,
      node.entry ? 'entry' : '',
      node.unreachable ? 'unreachable' : '',
      node.name === this.active ? 'active' : '',
    ].join(' ');
    const sub = [
      node.entry ? 'entry' : '',
      node.kind === 'fan_out' ? 'fan-out' : '',
      node.kind === 'remote' ? 'remote' : '',
      node.unreachable ? 'never runs' : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const chips = [...(node.adapter ? [`adapter ${node.adapter}`] : []), ...node.tools.map((t) => `⚙ ${t}`)];
    return svg`<g class=${classes} transform="translate(${node.x} ${node.y})" data-node=${node.name}>
      <title>${node.name}</title>
      <rect width=${node.width} height=${node.height} rx="8"></rect>
      <text class="name" x="10" y="18">${fit(node.name, 18)}</text>
      <text class="sub" x="10" y="33">${sub || 'agent'}</text>
      ${chips.map(
        (chip, i) => svg`<g class="chip" transform="translate(8 ${40 + i * 20})">
          <rect width=${node.width - 16} height="17" rx="4"></rect>
          <text x="6" y="12.5">${fit(chip, 22)}</text>
        </g>`,
      )}
    </g>`;
  }

  private renderListItem(pipeline: Pipeline, node: GraphNode) {
    const spec = pipeline.agents.find((a) => a.name === node.name)!;
    const parts: string[] = [];
    if (spec.kind === 'fan_out') {
      parts.push(`fans out to ${spec.branches.join(', ')}`, `merges in ${spec.merge}`);
    } else if (spec.kind === 'a2a') {
      parts.push(`an A2A agent at ${spec.url}`);
      if (spec.handBack) parts.push(`hands back to ${spec.handBack}`);
    } else {
      if (spec.tools.length) parts.push(`tools: ${spec.tools.join(', ')}`);
      if (spec.handoffs.length) parts.push(`hands over to ${spec.handoffs.join(', ')}`);
      if (spec.agentTools.length) parts.push(`asks ${spec.agentTools.join(', ')} (agents as tools)`);
      if (spec.adapter) parts.push(`adapter ${spec.adapter}`);
      if (!parts.length) parts.push('answers by itself');
    }
    const flags = [
      node.entry ? 'the entry' : '',
      node.kind === 'fan_out' ? 'a fan-out step' : '',
      node.kind === 'remote' ? 'runs elsewhere' : '',
      node.unreachable ? 'never runs: nothing leads to it' : '',
      node.name === this.active ? 'its turn now' : '',
    ].filter(Boolean);
    return html`<li data-node=${node.name}>
      <strong>${node.name}</strong>${flags.length ? ` (${flags.join(', ')})` : ''}: ${parts.join('; ')}.
    </li>`;
  }
}

customElements.define('hearth-pipeline-graph', PipelineGraph);
