import type { ParsedSearchRequest } from './request.ts';
import type { CollectionIndex, HandleTable } from './collection-index.ts';

/**
 * Marks each loaded document as passing the request's filters or not and returns the handle test
 * ranking applies before anything competes for a place (undefined: no filter, all pass).
 */
export function applyFilters(
  request: ParsedSearchRequest,
  indexes: CollectionIndex[],
  handles: HandleTable,
): ((handle: number) => boolean) | undefined {
  const documentIds = request.documentIds && new Set(request.documentIds);
  const tags = request.tags && new Set(request.tags);
  const filtered = documentIds || tags || request.dateFrom !== undefined || request.dateTo !== undefined;
  if (!filtered) return undefined;
  for (const index of indexes) {
    for (const loaded of index.documents.values()) {
      const { record } = loaded;
      loaded.pass =
        (!documentIds || documentIds.has(record.id)) &&
        (!tags || record.tags.some((tag) => tags.has(tag))) &&
        (request.dateFrom === undefined || record.date >= request.dateFrom) &&
        (request.dateTo === undefined || record.date <= request.dateTo);
    }
  }
  return (handle) => handles.get(handle)?.document.pass ?? false;
}
