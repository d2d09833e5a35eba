import { html, svg } from 'lit';

/** Small line icons (24 px grid, drawn with the text colour); decorative, so hidden from screen readers. */
function icon(d: string, size = 18) {
  return html`<svg
    width=${size}
    height=${size}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    aria-hidden="true"
  >
    ${svg`<path d=${d} stroke-linecap="round" stroke-linejoin="round"></path>`}
  </svg>`;
}

export const logo = icon(
  'M12 3c3 3.5 5 6 5 9a5 5 0 0 1-10 0c0-1.6.8-3 2-4 0 1.5 1 2.5 2 2.5 0-2.5-.5-4.5 1-7.5z',
  20,
);
export const sun = icon(
  'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
);
export const moon = icon('M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z');
export const auto = icon('M12 3a9 9 0 1 0 0 18zM12 3a9 9 0 0 1 0 18');
export const plus = icon('M12 5v14M5 12h14');
export const send = icon('M4 12l16-8-6 16-2-7z');
export const stopIcon = icon('M7 7h10v10H7z');
export const menu = icon('M4 7h16M4 12h16M4 17h16');
export const gear = icon(
  'M12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
);
export const pencil = icon('M4 20h4L19 9l-4-4L4 16zM14 6l4 4', 16);
export const trash = icon('M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3', 16);
