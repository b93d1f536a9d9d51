/**
 * Types for mathjs's single-file build (the package exports it, without types). tierfit loads
 * that file instead of the package's entry: the entry evaluates about 1,300 modules and builds
 * every function at import (2–3 s of CPU), the single file about a fifth of that.
 */
declare module "mathjs/lib/browser/math.js" {
  import type { MathJsInstance } from "mathjs";

  /** The default instance; `create()` makes a private one with the same functions. */
  const math: MathJsInstance & { create(): MathJsInstance };
  export default math;
}
