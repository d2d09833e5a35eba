import { PlaceholderView } from '../shell/placeholder-view.ts';

/** The Agents view; the shell links to it, its content is still to come. */
export class AgentsView extends PlaceholderView {
  protected readonly heading = 'Agents';
  protected readonly summary =
    'Agents that use tools and your documents to carry out longer tasks, with a trace of every step.';
}

customElements.define('hearth-agents-view', AgentsView);
