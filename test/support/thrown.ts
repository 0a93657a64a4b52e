/** What `run` throws, or undefined when it returns: for tests that inspect the error itself (its class, code, text). */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
