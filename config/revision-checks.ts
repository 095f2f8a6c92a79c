/**
 * Checks of revision use across sections (run once every section parsed): a namespace pinned to a
 * revision or tag must name one this stack serves, so removing a revision still in use is refused.
 */
import type { IstioConfig } from "./istio";
import { unknownRevision } from "./istio";
import type { NamespaceConfig } from "./mesh";
import { resolveRevision } from "./revisions";

export function checkRevisionUse(
    config: { istio: IstioConfig; namespaces: Record<string, NamespaceConfig> },
    report: (key: string, message: string) => void,
): void {
    for (const [ns, c] of Object.entries(config.namespaces)) {
        if (c.revision !== undefined && !resolveRevision(config.istio, c.revision)) {
            report(`namespaces.${ns}.revision`, unknownRevision(c.revision, config.istio, "this namespace"));
        }
    }
}
