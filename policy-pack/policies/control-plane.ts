/** The control plane and supply chain: istiod availability, pinned images and chart versions. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { GK } from "../lib/istio";
import { arr, labelMap, podTemplate, ref, selects, str, WORKLOAD_KINDS } from "../lib/k8s";
import { objectPolicy, stackPolicy } from "../lib/policy";

/** Istio deployment best practice: the injection webhook fails closed, so istiod must survive a node drain. */
export function istiodHighAvailability(): StackValidationPolicy {
    return stackPolicy<{ minReplicas: number }>({
        name: "istiod-high-availability",
        description: "Checks that every istiod Deployment runs at least minReplicas replicas (or an HPA minimum) and is covered by a PodDisruptionBudget.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                minReplicas: { type: "integer", minimum: 1, default: 2, description: "Fewest istiod replicas accepted." },
            },
        },
        check: (idx, cfg, report) => {
            if (idx.incomplete(GK.HorizontalPodAutoscaler, ["spec"]) || idx.incomplete(GK.PodDisruptionBudget, ["spec.selector"])) return;
            for (const d of idx.of(GK.Deployment)) {
                const t = podTemplate(d);
                const podLabels = labelMap(t?.metadata.labels);
                if (d.labels.app !== "istiod" && podLabels.app !== "istiod") continue;
                const hpa = idx
                    .in(GK.HorizontalPodAutoscaler, d.namespace)
                    .find((h) => h.spec.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef?.name === d.name);
                const replicas = hpa
                    ? typeof hpa.spec.minReplicas === "number"
                        ? hpa.spec.minReplicas
                        : 1
                    : typeof d.spec.replicas === "number"
                      ? d.spec.replicas
                      : 1;
                if (replicas < cfg.minReplicas) {
                    const field = hpa ? `${ref(hpa)} spec.minReplicas` : "spec.replicas";
                    report(
                        d,
                        `${ref(d)}: ${field} is ${replicas}, below ${cfg.minReplicas}; the sidecar injection webhook fails closed, so while the only istiod restarts or its node drains no pod can be created in injected namespaces.`,
                    );
                }
                const pdb = idx.in(GK.PodDisruptionBudget, d.namespace).some((p) => {
                    const sel = labelMap(p.spec.selector?.matchLabels);
                    return Object.keys(sel).length > 0 && selects(sel, podLabels);
                });
                if (!pdb) {
                    report(
                        d,
                        `${ref(d)}: no PodDisruptionBudget in namespace ${d.namespace} selects its pods; a node drain may evict every istiod replica at once, stopping certificate issuance and pod creation.`,
                    );
                }
            }
        },
    });
}

/** Istio deployment practice and supply-chain hygiene. */
export function imagePinned(): ResourceValidationPolicy {
    return objectPolicy<{ requireDigest: boolean }>({
        name: "image-pinned",
        description: "Checks that every container image names a fixed tag (not latest) or a digest.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                requireDigest: { type: "boolean", default: false, description: "Require @sha256 digests instead of tags." },
            },
        },
        kinds: WORKLOAD_KINDS,
        check: (o, cfg, report) => {
            const t = podTemplate(o);
            if (!t) return;
            for (const field of ["initContainers", "containers"]) {
                arr(t.spec[field]).forEach((c, i) => {
                    const image = str(c?.image);
                    // `auto` is replaced by the injector with the pinned proxy image of the control plane.
                    if (!image || image === "auto") return;
                    const digest = image.includes("@sha256:");
                    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
                    const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
                    let problem: string | undefined;
                    if (!digest && (!tag || tag === "latest")) problem = tag ? "uses the tag latest" : "has no tag (so latest)";
                    else if (cfg.requireDigest && !digest) problem = "has no @sha256 digest";
                    if (problem) {
                        report(
                            `${ref(o)}: ${t.path}spec.${field}[${i}].image "${image}" ${problem}; each node may pull a different build, so rollouts are not reproducible and a registry change reaches production unreviewed.`,
                        );
                    }
                });
            }
        },
    });
}

/** Pulumi/Helm practice: a Release without a pinned chart version upgrades on its own. */
export function helmReleaseVersionPinned(): ResourceValidationPolicy {
    return objectPolicy({
        name: "helm-release-version-pinned",
        description: "Checks that a helm.v3.Release pins an exact chart version.",
        enforcementLevel: "advisory",
        kinds: ["helm.sh/Release"],
        check: (o, _cfg, report) => {
            const version = str(o.raw.version);
            if (!version || /[\^~*xX><=|]|\s/.test(version)) {
                report(
                    `${ref(o)}: version is ${version ? `"${version}", a range` : "not set"}; the next preview may install a newer chart than the one reviewed. Pin an exact version.`,
                );
            }
        },
    });
}
