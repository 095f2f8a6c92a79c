/**
 * Control-plane revisions and revision tags: a namespace's injection label must name a revision or tag
 * that an injector among the same manifests serves, and tags (not revisions) are how namespaces enrol.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { GK } from "../lib/istio";
import { arr, K8sObject, ref } from "../lib/k8s";
import { stackPolicy } from "../lib/policy";
import type { StackIndex } from "../lib/stack";

const MWC = "admissionregistration.k8s.io/MutatingWebhookConfiguration";
const DEFAULT = "istio-injection=enabled";

/** What the sidecar injectors among the resources serve, read from their webhooks' namespace selectors. */
interface Injectors {
    /** `istio.io/rev` values some webhook matches, and `istio-injection=enabled` when one matches that. */
    served: Set<string>;
    /** Revisions (not tags): values of injectors that carry `istio.io/rev` but no `istio.io/tag`. */
    revisions: Set<string>;
    /** Tags: `istio.io/tag` of the tag webhooks (`istio-revision-tag-<tag>`). */
    tags: Set<string>;
}

function injectors(idx: StackIndex): Injectors {
    return idx.memoize("revision-injectors", () => {
        const out: Injectors = { served: new Set(), revisions: new Set(), tags: new Set() };
        for (const w of idx.of(MWC)) {
            const tag = w.labels["istio.io/tag"];
            if (tag) out.tags.add(tag);
            for (const hook of arr(w.raw.webhooks)) {
                for (const e of arr(hook?.namespaceSelector?.matchExpressions)) {
                    if (e?.operator !== "In") continue;
                    for (const v of arr(e.values)) {
                        if (e.key === "istio.io/rev") {
                            out.served.add(String(v));
                            if (!tag) out.revisions.add(String(v));
                        } else if (e.key === "istio-injection" && v === "enabled") {
                            out.served.add(DEFAULT);
                        }
                    }
                }
            }
        }
        return out;
    });
}

/** The injection label a namespace enrols with (istio.io/rev=<x> or istio-injection=enabled), if any. */
function enrolment(ns: K8sObject): { key: string; value: string; served: string } | undefined {
    const legacy = ns.labels["istio-injection"];
    const rev = ns.labels["istio.io/rev"];
    if (legacy !== undefined) {
        // istio-injection takes precedence; namespace-injection-labels reports a namespace with both.
        return legacy === "enabled" ? { key: "istio-injection", value: legacy, served: DEFAULT } : undefined;
    }
    return rev !== undefined ? { key: "istio.io/rev", value: rev, served: rev } : undefined;
}

/** Istio canary upgrades: a namespace labelled for a revision no injector serves gets pods without proxies. */
export function namespaceRevisionServed(): StackValidationPolicy {
    return stackPolicy({
        name: "namespace-revision-served",
        description: "Checks that a Namespace's injection label names a revision or tag that a sidecar injector among the same resources serves.",
        enforcementLevel: "mandatory",
        check: (idx, _cfg, report) => {
            // No injector among the resources (a team's manifests, a stack without istiod): nothing to compare with.
            if (idx.of(MWC).length === 0 || idx.incomplete(MWC, ["webhooks"]) || idx.incomplete(GK.Namespace, ["metadata.labels"])) return;
            const { served } = injectors(idx);
            for (const ns of idx.of(GK.Namespace)) {
                const e = enrolment(ns);
                if (!e || served.has(e.served)) continue;
                const known = [...served]
                    .map((s) => (s === DEFAULT ? DEFAULT : `istio.io/rev=${s}`))
                    .sort()
                    .join(", ");
                report(
                    ns,
                    `${ref(ns)}: metadata.labels["${e.key}"] is "${e.value}", but no sidecar injector among these resources serves it (served: ${known || "none"}); new pods there start without a proxy, outside mTLS and authorization, or keep a removed revision's proxy. Point the label at a served revision or tag, or keep the control plane that serves it until the namespace has moved.`,
                );
            }
        },
    });
}

/** Istio's canary upgrade guide: enrol namespaces by revision tags, so an upgrade moves a tag, not every namespace. */
export function namespaceRevisionByTag(): StackValidationPolicy {
    return stackPolicy({
        name: "namespace-revision-by-tag",
        description: "Checks that a Namespace enrols by a revision tag rather than by a revision directly, when revision tags exist.",
        enforcementLevel: "advisory",
        check: (idx, _cfg, report) => {
            if (idx.incomplete(MWC, ["webhooks", "metadata.labels"])) return;
            const { revisions, tags } = injectors(idx);
            if (tags.size === 0) return;
            for (const ns of idx.of(GK.Namespace)) {
                const rev = ns.labels["istio.io/rev"];
                if (rev === undefined || ns.labels["istio-injection"] !== undefined || !revisions.has(rev) || tags.has(rev)) continue;
                report(
                    ns,
                    `${ref(ns)}: metadata.labels["istio.io/rev"] is the revision "${rev}", not a tag (tags: ${[...tags].sort().join(", ")}); every upgrade must then relabel this namespace, and removing ${rev} strands it. Enrol it with a tag and move the tag instead.`,
                );
            }
        },
    });
}
