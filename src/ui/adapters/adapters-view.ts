import { PlaceholderView } from '../shell/placeholder-view.ts';

/** The Adapters view; the shell links to it, its content is still to come. */
export class AdaptersView extends PlaceholderView {
  protected readonly heading = 'Adapters';
  protected readonly summary =
    'LoRA adapters synced from your fine-tuning server: choose one per conversation and send conversations for training.';
}

customElements.define('hearth-adapters-view', AdaptersView);
