/**
 * The one image registry of a stack. `istio.hub` is the only registry input: every image the stack deploys
 * (istiod, the proxies and gateways through the charts' `hub`/`global.hub`, Kiali, and any later component
 * such as istio-cni) reads its repository from `resolveRegistry`, never from a raw value of its own.
 */
import type { Field } from "./field";
import type { IstioConfig } from "./istio";

/** Where a component's image lives below the hub (the mirror keeps upstream's last path segment). */
export const IMAGE_NAMES = {
    /** quay.io/kiali/kiali upstream; mirrored as `<hub>/kiali`. */
    kiali: "kiali",
} as const;

export type ImageName = keyof typeof IMAGE_NAMES;

/**
 * On the control-plane Namespace of an air-gapped stack: the hub, read by the policy pack's
 * `air-gapped-image-registry` (which cannot import the program; it spells the key out itself).
 */
export const AIR_GAPPED_HUB_ANNOTATION = "istio-mesh/air-gapped-hub";

/** The registry every image comes from, as components read it. */
export interface ResolvedRegistry {
    /** The hub (`harbor.example.com/istio`); undefined: each chart's upstream default (docker.io/istio, quay.io/kiali). */
    hub?: string;
    /** Pods must pull only from the hub (checked at preview by the `air-gapped-image-registry` policy). */
    airGapped: boolean;
    /** Names of the pull secrets every pulling namespace carries. */
    pullSecrets: string[];
    /** Whether the stack creates the pull secrets (from the `istio-mesh:registryPullSecret` Pulumi secret). */
    createsPullSecrets: boolean;
}

/** Resolves the registry of a stack from `istio-mesh:istio` and whether `istio-mesh:registryPullSecret` is set. */
export function resolveRegistry(istio: Pick<IstioConfig, "hub" | "imagePullSecrets" | "airGapped">, pullSecretSet: boolean): ResolvedRegistry {
    return {
        hub: istio.hub,
        airGapped: istio.airGapped,
        pullSecrets: [...istio.imagePullSecrets],
        createsPullSecrets: pullSecretSet && istio.imagePullSecrets.length > 0,
    };
}

/** The repository of a component's image under the hub, or undefined to keep the chart's upstream image. */
export function imageRepository(registry: Pick<ResolvedRegistry, "hub">, image: ImageName): string | undefined {
    return registry.hub ? `${registry.hub}/${IMAGE_NAMES[image]}` : undefined;
}

/**
 * `istio-mesh:registryPullSecret`: only whether it is set; the component reads the value as a Pulumi secret.
 * A Docker config.json arrives decoded (the program's config reader parses JSON text), so an object with
 * `auths` counts as set too.
 */
export function parseRegistryPullSecret(f: Field): boolean {
    if (!f.isSet || f.value === "") {
        return false;
    }
    if (f.isObject() && Object.hasOwn(f.value as object, "auths")) {
        return true;
    }
    if (typeof f.value !== "string") {
        f.problem('must be a Docker config.json ({"auths": {...}}), set with pulumi config set --secret');
        return false;
    }
    return true;
}
