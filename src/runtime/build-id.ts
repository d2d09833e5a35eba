/**
 * This build's id, set by vite.config.ts (`HEARTH_BUILD_ID`, else the build's time). Tabs of one
 * build share one engine; a tab of another build never joins it (the id is in the names of the
 * engine's SharedWorker and locks). The dev server and Node see 'dev'.
 */
export const BUILD_ID: string = (import.meta.env.HEARTH_BUILD_ID as string | undefined) ?? 'dev';
