/**
 * The request body parser. fastify's default JSON parser guards against prototype poisoning by
 * scanning every body with regular expressions that also match escaped spellings; on a full
 * NodeList (megabytes) that scan costs about 40 % on top of JSON.parse. A body that contains no
 * `__proto__`, no `constructor` and no `\u` escape cannot spell either key, so it is parsed
 * directly; anything else, and anything JSON.parse refuses, goes to fastify's parser, which
 * also produces the proper 400 for invalid or empty bodies.
 *
 * A body nested deeper than MAX_JSON_DEPTH is refused with a 400: JSON.parse takes any depth,
 * but what reads the value again recursively (JSON.stringify of the nodes filter echoes) runs out
 * of stack around 10,000 levels.
 */
import type { FastifyInstance } from "fastify";

/** Deepest nesting accepted: Kubernetes objects, managedFields included, nest fewer than 30 levels. */
export const MAX_JSON_DEPTH = 512;

export function mayPoison(text: string): boolean {
  return text.includes("__proto__") || text.includes("constructor") || text.includes("\\u");
}

/** Every content type is read as JSON: kube-scheduler sends application/json, Go extenders accept anything. */
export function installJsonBodyParser(app: FastifyInstance): void {
  const guarded = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (!mayPoison(text)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return guarded(request, text, done);
      }
      return nestedDeeperThan(parsed, MAX_JSON_DEPTH) ? done(depthError(), undefined) : done(null, parsed);
    }
    return guarded(request, text, (err, value) => {
      // fastify reports a refused key as "not valid JSON"; say what was refused instead.
      if (err && isJson(text)) return done(poisonError(), undefined);
      if (!err && nestedDeeperThan(value, MAX_JSON_DEPTH)) return done(depthError(), undefined);
      return done(err, value);
    });
  });
}

/** Whether objects and arrays nest more than `max` levels in `value`; iterative, so any depth is safe. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const v = pending.pop();
    const depth = depths.pop() as number;
    if (typeof v !== "object" || v === null) continue;
    if (depth > max) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item === "object" && item !== null) {
          pending.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const key in v) {
        const item: unknown = (v as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) {
          pending.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function depthError(): Error {
  const err = new Error(
    `the body nests JSON more than ${MAX_JSON_DEPTH} levels deep, which tierfit refuses (Kubernetes objects nest fewer than 30)`,
  );
  return Object.assign(err, { statusCode: 400 });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function poisonError(): Error {
  const err = new Error("the body contains a __proto__ or constructor.prototype key, which tierfit refuses");
  return Object.assign(err, { statusCode: 400 });
}
