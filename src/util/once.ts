/**
 * A function that calls `build` the first time it is called and answers that same value ever after.
 *
 * Why: the plan schemas are built on first use, not at module load, so reading a plan file builds only the
 * schema of its kind (the CLI start-up budget), and every later read reuses it.
 */
export function once<T>(build: () => T): () => T {
  let built = false;
  let value: T;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value;
  };
}
