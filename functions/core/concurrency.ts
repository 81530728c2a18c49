/**
 * Runs `work` on every item, at most `limit` at once, starting them in order. Resolves when all are
 * done; after a failure no further item is started, and the first failure rejects once the items
 * already under way have settled.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let index = next++; index < items.length && failure === undefined; index = next++) {
      try {
        // In bounds: `index < items.length`.
        await work(items[index] as T, index);
      } catch (error: unknown) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure.error;
}
