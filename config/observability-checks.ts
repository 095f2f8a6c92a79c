/**
 * Checks of `istio-mesh:observability` against the rest of the stack, run once every section parsed.
 */
import { gatewayHostCovers, TelemetryPlan, telemetryPlan, unknownProviderReferences } from "./telemetry";
import { show } from "./field";
import { GatewayIdentity, gatewayIdentities } from "./ingress";
import type { GatewaysConfig } from "./gateways";
import type { KialiConfig, ObservabilityConfig } from "./observability";

/** What the observability checks read of the whole config (a structural slice, so config.ts is not imported). */
export interface ObservabilitySections {
    istio: { namespace: string };
    gateways: GatewaysConfig;
    observability: ObservabilityConfig;
    kialiOidcClientSecret?: boolean;
}

type CrossCheck = (config: ObservabilitySections, report: (key: string, message: string) => void) => void;

/** The internal gateway as the ingress area describes it (`gatewayIdentities(...).internal`). */
export type InternalGatewayIdentity = Pick<GatewayIdentity, "namespace" | "gateway" | "hosts">;

/**
 * Why Kiali's host cannot be served by the internal gateway, or undefined when it can. Kiali is published
 * nowhere else, so a host the gateway does not accept would leave it unreachable.
 */
export function kialiHostProblem(kiali: KialiConfig, kialiNamespace: string, internal?: InternalGatewayIdentity): string | undefined {
    if (!internal) {
        return `Kiali is published only through the internal gateway, and this stack has none: configure istio-mesh:gateways.internal with a host covering ${kiali.host}`;
    }
    if (internal.hosts.some((h) => gatewayHostCovers(h, kiali.host, kialiNamespace, internal.namespace))) {
        return undefined;
    }
    return (
        `is not a host of the internal gateway ${internal.gateway} (hosts: ${internal.hosts.join(", ") || "none"}): ` +
        `add it to istio-mesh:gateways.internal.hosts or choose a host the gateway already serves`
    );
}

/** Reports each Telemetry provider name the plan's extension providers lack, under the key that produced it. */
export function reportUnknownProviders(plan: TelemetryPlan, report: (key: string, message: string) => void): void {
    for (const { scope, name } of unknownProviderReferences(plan)) {
        report(
            scope === "mesh" ? "observability" : `observability.namespaces.${scope}`,
            `a Telemetry would name provider ${show(name)}, which meshConfig.extensionProviders does not define: Istio would ignore it without a word`,
        );
    }
}

/** Checks of `observability` against the other sections; each names the key to change. */
export const OBSERVABILITY_CROSS_CHECKS: CrossCheck[] = [
    (c, report) => {
        if (Object.hasOwn(c.observability.namespaces, c.istio.namespace)) {
            report(
                `observability.namespaces.${c.istio.namespace}`,
                "is the mesh root namespace, whose Telemetry is the mesh-wide default: set these under observability.tracing and observability.accessLogs",
            );
        }
    },
    (c, report) => {
        const kiali = c.observability.kiali;
        const problem = kiali && kialiHostProblem(kiali, kiali.namespace ?? c.istio.namespace, gatewayIdentities(c.gateways).internal);
        if (problem) {
            report("observability.kiali.host", problem);
        }
    },
    // Holds by construction; kept as a check so a change that breaks it fails here and not silently in Istio.
    (c, report) => reportUnknownProviders(telemetryPlan(c.observability), report),
];

/** Secrets `observability` needs (see SECRET_CHECKS in config.ts). */
export const OBSERVABILITY_SECRET_CHECKS: CrossCheck[] = [
    (c, report) => {
        if (c.observability.kiali?.login.kind === "openid" && !c.kialiOidcClientSecret) {
            report(
                "kialiOidcClientSecret",
                "is required with observability.kiali.login: openid: run pulumi config set --secret istio-mesh:kialiOidcClientSecret <client secret>",
            );
        }
    },
];
