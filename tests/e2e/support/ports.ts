/**
 * The ports of the two servers playwright.config.ts starts: the dev server (Vite, for harness pages) and the
 * production build (`vite preview`, for the app). Set them per checkout so that two runs never share a server.
 */
export const devPort = Number(process.env.E2E_DEV_PORT ?? 5199);
export const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
