/**
 * What a click inside a rendered answer does, wherever answers are shown (the app's messages and
 * <hearth-chat>): a code block's Copy button copies its code, and a "Load image" placeholder loads
 * the image it names, its URL checked again at click time because the button is model output too.
 */
export async function handleAnswerClick(event: Event): Promise<void> {
  const target = event.target as HTMLElement;
  const copyButton = target.closest<HTMLButtonElement>('button[data-copy-code]');
  if (copyButton) {
    const code = copyButton.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
    await copyFromButton(code, copyButton);
    return;
  }
  const loadButton = target.closest<HTMLButtonElement>('button[data-load-image]');
  if (loadButton) await loadImage(loadButton);
}

/** Copies `text` and says on the button whether it worked, for a moment. */
export async function copyFromButton(text: string, button: HTMLButtonElement): Promise<void> {
  const label = button.textContent;
  button.textContent = (await copyText(text)) ? 'Copied' : 'Copy failed';
  setTimeout(() => (button.textContent = label), 1500);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

async function loadImage(button: HTMLButtonElement): Promise<void> {
  const { imageUrlToLoad } = await import('./sanitize.ts');
  const url = imageUrlToLoad(button.dataset.loadImage);
  const holder = button.closest('.remote-image');
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
