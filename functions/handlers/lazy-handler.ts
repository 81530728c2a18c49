/**
 * A Lambda entry point whose dependencies are built on the first (cold-start) invocation, so the
 * module can also be imported by tests, infra and the local runtime, which call `makeHandler`
 * themselves, without reading the environment or building a client. What is cheap to load and
 * needs no environment (the handler's SDK packages, its adapters) is imported with the module and
 * loads in Lambda's init phase; `build` reads the environment, builds the clients, reads secrets
 * and `import()`s the config schema. A failed build is tried again on the next event.
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
