/**
 * A Lambda entry point whose dependencies are built on the first (cold-start) invocation, so the
 * module can also be imported by tests and the local runtime, which call `makeHandler` themselves.
 * Handlers `import()` the wiring inside `build`: the AWS SDK clients and the adapters then load
 * once per container, on its first event, and loading the module itself stays quick (this file
 * imports nothing for that reason).
 */
export function lazyHandler<E, R>(build: () => Promise<(event: E) => Promise<R>>): (event: E) => Promise<R> {
  let built: Promise<(event: E) => Promise<R>> | undefined;
  return async (event: E) => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return (await built)(event);
  };
}
