import { installTrustedTypesPolicy } from './ui/shell/trusted-types.ts';
import { applyTheme, storedTheme } from './ui/shell/theme.ts';

// Before any component renders: the policy must exist before the first worker starts, and the
// stored theme before the first paint.
installTrustedTypesPolicy();
applyTheme(storedTheme());
await import('./ui/app-shell.ts');
