/**
 * Makes the chat view's real engine write exactly `text`: every request it sends goes to the same
 * engine (the app's worker and the demo model) with a `json_schema` response format whose schema is
 * `{ const: text }`, so constrained decoding leaves the model one token path, the JSON string of
 * `text`. Runs in the page through `page.evaluate(forceEngineOutput, text)`, so it is self-contained.
 */
export async function forceEngineOutput(text: string): Promise<void> {
  await customElements.whenDefined('hearth-chat-view');
  const shell = document.querySelector('hearth-app');
  type Link = {
    open: (options?: unknown) => Promise<unknown>;
    stream: (request: Record<string, unknown>) => Promise<unknown>;
  };
  const view = shell?.shadowRoot?.querySelector('hearth-chat-view') as
    (HTMLElement & { engine: Link; updateComplete: Promise<unknown> }) | null;
  if (!view) throw new Error('the chat view is not in the page');
  const real = view.engine;
  view.engine = {
    open: (options) => real.open(options),
    stream: (request) =>
      real.stream({
        ...request,
        // Room for the whole literal: a byte-level token is at least one byte, and the JSON string
        // takes at most two bytes per byte of text (the grammar writes `/` as `\/`) plus its quotes.
        max_tokens: 2 * new TextEncoder().encode(text).length + 2,
        response_format: { type: 'json_schema', json_schema: { name: 'forced', schema: { const: text } } },
      }),
  };
  await view.updateComplete;
}
