/** Where a mesh's images come from. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { imageRegistry } from "../lib/images";
import { GK, injectionEnabled } from "../lib/istio";
import { arr, podTemplate, ref, str, WORKLOAD_KINDS } from "../lib/k8s";
import { stackPolicy, stringList } from "../lib/policy";

/**
 * The annotation istio-mesh puts on the control-plane Namespace of an air-gapped stack (`istio.airGapped`),
 * holding its hub: how the policy learns the hub at preview without a config of its own.
 */
export const AIR_GAPPED_HUB_ANNOTATION = "istio-mesh/air-gapped-hub";

/** Seed 000: the platform keeps its images in Harbor; a pod pulling from elsewhere fails to start offline. */
export function airGappedImageRegistry(): StackValidationPolicy {
    return stackPolicy<{ hub: string; injectedNamespaces: string[] }>({
        name: "air-gapped-image-registry",
        description: "Checks that no workload of a mesh namespace in an air-gapped stack pulls an image from a registry other than the hub's.",
        enforcementLevel: "advisory",
        configSchema: {
            properties: {
                hub: {
                    type: "string",
                    default: "",
                    description: `The air-gapped stack's hub (harbor.example.com/istio); empty: read from the ${AIR_GAPPED_HUB_ANNOTATION} annotation of a Namespace in the stack, and no check without one.`,
                },
                injectedNamespaces: stringList("Mesh namespaces whose Namespace object is not among the checked resources."),
            },
        },
        check: (idx, cfg, report) => {
            const hub =
                cfg.hub ||
                idx
                    .of(GK.Namespace)
                    .map((ns) => ns.annotations[AIR_GAPPED_HUB_ANNOTATION])
                    .find((h) => h);
            if (!hub) return;
            const registry = imageRegistry(hub);
            for (const gk of WORKLOAD_KINDS) {
                for (const w of idx.of(gk)) {
                    const ns = idx.get(GK.Namespace, "", w.namespace);
                    const mesh = ns ? !ns.unknown && injectionEnabled(ns) : cfg.injectedNamespaces.includes(w.namespace);
                    const t = mesh ? podTemplate(w) : undefined;
                    if (!t) continue;
                    for (const field of ["initContainers", "containers"]) {
                        arr(t.spec[field]).forEach((c, i) => {
                            const image = str(c?.image);
                            // `auto` is the gateway chart's placeholder: the injector puts the hub's proxy image there.
                            if (!image || image === "auto" || imageRegistry(image) === registry) return;
                            report(
                                w,
                                `${ref(w)}: ${t.path}spec.${field}[${i}].image "${image}" is pulled from ${imageRegistry(image)}, but this stack is air-gapped with hub ${hub}; ` +
                                    `the node cannot reach ${imageRegistry(image)}, so the pod never starts. Mirror the image into ${registry} and reference it there.`,
                            );
                        });
                    }
                }
            }
        },
    });
}
