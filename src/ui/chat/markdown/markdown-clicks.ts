/**
 * The buttons inside rendered Markdown (model output): "Copy" on a code block, and "Load image" on an
 * image the sanitiser held back. One click handler for every place that shows rendered answers (the
 * chat, the Agents view); the image URL is checked again here, since the button is model output too.
 */
export async function onMarkdownClick(event: Event): Promise<void> {
  const target = event.target as HTMLElement;
  const copyButton = target.closest<HTMLButtonElement>('button[data-copy-code]');
  if (copyButton) {
    const code = copyButton.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
    await copyText(code, copyButton);
    return;
  }
  const loadButton = target.closest<HTMLButtonElement>('button[data-load-image]');
  if (loadButton) {
    const { imageUrlToLoad } = await import('./sanitize.ts');
    const url = imageUrlToLoad(loadButton.dataset.loadImage);
    const holder = loadButton.closest('.remote-image');
    if (!url || !holder) return;
    const image = document.createElement('img');
    image.alt = holder.firstChild?.textContent?.replace(/^Image: /, '').trim() ?? '';
    image.referrerPolicy = 'no-referrer';
    image.addEventListener('error', () => {
      const note = document.createElement('span');
      note.className = 'remote-image';
      note.textContent = `The image at ${new URL(url).host} could not be loaded (the host may not allow it here).`;
      image.replaceWith(note);
    });
    image.src = url;
    holder.replaceWith(image);
  }
}

/** Copies `text`; the button says how it went for a moment. Resolves whether it worked. */
export async function copyText(text: string, button?: HTMLElement): Promise<boolean> {
  let ok = true;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    ok = false;
  }
  if (button) {
    button.textContent = ok ? 'Copied' : 'Copy failed';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  }
  return ok;
}
