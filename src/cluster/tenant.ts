/**
 * Whose a pod is. The namespace is the tenant: whoever may create pods in a namespace acts for
 * it (the API server's RBAC decides that), and nothing a pod carries can name another
 * namespace's tenant. In namespaces the operator lists in `tenancy.labelNarrowsIn`, the pod's
 * `tierfit.io/tenant` label narrows the tenant to `<namespace>/<label>`: pods of one namespace
 * kept apart from each other, never joined to another namespace (a namespace name has no `/`).
 */
import type { TierfitConfig } from "../config/schema.js";
import { globMatches } from "./tier-match.js";

export const TENANT_LABEL = "tierfit.io/tenant";

export function podTenant(namespace: string, labels: Readonly<Record<string, string>>, config: TierfitConfig): string {
  const narrowed = labels[TENANT_LABEL];
  if (!narrowed || narrowed === namespace) return namespace;
  const allowed = config.tenancy.labelNarrowsIn.some((pattern) => globMatches(pattern, namespace));
  return allowed ? `${namespace}/${narrowed}` : namespace;
}
