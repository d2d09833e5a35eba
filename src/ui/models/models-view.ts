import { PlaceholderView } from '../shell/placeholder-view.ts';

/** The Models view; the shell links to it, its content is still to come. */
export class ModelsView extends PlaceholderView {
  protected readonly heading = 'Models';
  protected readonly summary =
    'The models this device keeps: downloads with progress, storage used and free, and which model and device the chat uses.';
}

customElements.define('hearth-models-view', ModelsView);
