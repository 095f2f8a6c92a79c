/**
 * Checks of the registry (`istio.hub`, `istio.imagePullSecrets`, `istio-mesh:registryPullSecret`) against the
 * rest of the stack, run once every section parsed. Images and pull secrets are set in one place only.
 */
import type { ControlPlaneConfig } from "./control-plane";
import type { GatewaysConfig } from "./gateways";
import type { IstioConfig } from "./istio";
import type { NamespaceConfig } from "./mesh-types";
import type { ObservabilityConfig } from "./observability";
import { show } from "./field";
import { gatewaysOf } from "./ingress";
import { IMAGE_NAMES } from "./registry";

/** What the registry checks read of the whole config (a structural slice, so config.ts is not imported). */
export interface RegistrySections {
    istio: IstioConfig;
    controlPlane: ControlPlaneConfig;
    gateways: GatewaysConfig;
    observability: ObservabilityConfig;
    namespaces: Readonly<Record<string, NamespaceConfig>>;
    registryPullSecret: boolean;
}

type CrossCheck = (config: RegistrySections, report: (key: string, message: string) => void) => void;

/**
 * Every namespace whose pods pull an image of the stack: istiod's, the CNI agent's, the gateways', Kiali's, and
 * every enrolled namespace (their injected sidecars pull the proxy image with `global.imagePullSecrets`). Sorted,
 * unique.
 */
export function pullingNamespaces(c: Pick<RegistrySections, "istio" | "gateways" | "observability" | "namespaces">): string[] {
    const out = new Set([c.istio.namespace, ...Object.keys(c.namespaces)]);
    if (c.istio.cni.enabled) out.add(c.istio.cni.namespace);
    for (const g of gatewaysOf(c.gateways)) out.add(g.namespace);
    if (c.observability.kiali) out.add(c.observability.kiali.namespace ?? c.istio.namespace);
    return [...out].sort();
}

/** Raw chart values that would set an image or a pull secret beside the registry input, by key path. */
const RAW_IMAGE_VALUES: { section: (c: RegistrySections) => Record<string, unknown> | undefined; key: string; paths: string[][] }[] = [
    { section: (c) => c.controlPlane.values, key: "controlPlane.values", paths: [["hub"], ["global", "hub"], ["global", "imagePullSecrets"]] },
    {
        section: (c) => c.observability.kiali?.values,
        key: "observability.kiali.values",
        paths: [
            ["deployment", "image_name"],
            ["deployment", "image_pull_secrets"],
        ],
    },
];

function at(values: Record<string, unknown> | undefined, path: string[]): unknown {
    let v: unknown = values;
    for (const p of path) {
        v = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[p] : undefined;
    }
    return v;
}

export const REGISTRY_CROSS_CHECKS: CrossCheck[] = [
    (c, report) => {
        if (c.registryPullSecret && c.istio.imagePullSecrets.length === 0) {
            report(
                "registryPullSecret",
                "is set but istio.imagePullSecrets names no secret: add istio.imagePullSecrets: [<name>], the Secret the stack creates from it in every namespace that pulls",
            );
        }
        if (c.registryPullSecret && c.istio.imagePullSecrets.length > 1) {
            report(
                "istio.imagePullSecrets",
                `names ${c.istio.imagePullSecrets.length} secrets, but the stack creates one from istio-mesh:registryPullSecret: list exactly one`,
            );
        }
    },
    (c, report) => {
        for (const { section, key, paths } of RAW_IMAGE_VALUES) {
            for (const path of paths) {
                const value = at(section(c), path);
                if (value !== undefined) {
                    const what = path[path.length - 1].toLowerCase().includes("secret") ? "pull secrets come from istio.imagePullSecrets" : imageSource(c, key);
                    report(`${key}.${path.join(".")}`, `is set by hand (${show(value)}); ${what}: remove it`);
                }
            }
        }
    },
];

function imageSource(c: RegistrySections, key: string): string {
    const kiali = key.startsWith("observability.kiali");
    const derived = c.istio.hub ? (kiali ? `${c.istio.hub}/${IMAGE_NAMES.kiali}` : c.istio.hub) : undefined;
    return `the image registry is istio.hub${derived ? ` (here ${derived})` : ""}, the one registry input of the stack`;
}

/** Secrets the registry needs (see SECRET_CHECKS in config.ts). */
export const REGISTRY_SECRET_CHECKS: CrossCheck[] = [
    (c, report) => {
        if (c.istio.imagePullSecrets.length > 0 && !c.registryPullSecret) {
            report(
                "registryPullSecret",
                `is required with istio.imagePullSecrets: the stack creates ${c.istio.imagePullSecrets[0]} in every namespace that pulls ` +
                    `(${pullingNamespaces(c).join(", ")}), most of which it creates itself; run ` +
                    `pulumi config set --secret istio-mesh:registryPullSecret "$(cat config.json)" with a Docker config.json holding the registry's credentials`,
            );
        }
    },
];
