import './ui/app-shell.ts';
