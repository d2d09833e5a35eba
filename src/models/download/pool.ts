/**
 * Runs `task` over `items` with at most `limit` running at once. The first failure aborts the
 * `controller` so the others stop early, and is the error thrown once all have settled.
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  controller: AbortController,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let firstError: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !firstError) {
      const index = next++;
      try {
        results[index] = await task(items[index]!);
      } catch (error) {
        if (!firstError) {
          firstError = { error };
          controller.abort(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (firstError) throw firstError.error;
  return results;
}
