/** Rewrites the import matrix section of docs/architecture.md from layers.json. */
import fs from 'node:fs';
import { renderLayerDoc, replaceLayerDoc } from './render-doc.ts';

const file = new URL('../../docs/architecture.md', import.meta.url);
fs.writeFileSync(file, replaceLayerDoc(fs.readFileSync(file, 'utf8'), renderLayerDoc()));
