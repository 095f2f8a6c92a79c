import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayIdentity } from "../config/ingress";
import * as random from "@pulumi/random";
import type { ObservabilityConfig } from "../config/observability";
import { imageRepository, ResolvedRegistry } from "../config/registry";
import { kialiHostProblem } from "../config/observability-checks";
import { KIALI_SECRETS, kialiChartRef, kialiUrl, kialiValues, kialiVirtualService } from "./kiali.values";
import { alertRuleObject, dashboardConfigMaps } from "./observability.ops";
import { pullSecret, PullSecretArgs } from "./pull-secret";
import { MERGED_METRICS, MESH_TELEMETRY_NAME, monitorObjects, namespaceTelemetry, TelemetryPlan, telemetryObject } from "./observability.values";

/** The internal gateway Kiali is published through (from the ingress area's `gatewayIdentities`). */
/** The internal gateway Kiali is published through: `gateway` is `<namespace>/<name>` (config/ingress.ts declares it). */
export type InternalGatewayRef = Pick<GatewayIdentity, "gateway" | "hosts">;

export interface ObservabilityArgs {
    config: ObservabilityConfig;
    /** From `telemetryPlan(config)`: the same plan whose providers went into the control plane's meshConfig. */
    plan: TelemetryPlan;
    istioNamespace: string;
    revision: string | string[];
    /** Telemetry, monitors and Kiali's VirtualService need istiod's CRDs and validation webhook. */
    controlPlane: pulumi.Resource;
    gatewayNamespaces: string[];
    /** The gateways' Deployment names, whose 5xx the alerts watch. @default [] */
    gatewayWorkloads?: string[];
    /** `istio` pod labels of gateways beyond external and internal, which the gateway PodMonitor also scrapes. @default [] */
    gatewayLabels?: string[];
    /** Namespaces whose Telemetry this component creates, because no mesh namespace component owns them. */
    ownNamespaceTelemetry?: string[];
    internalGateway?: InternalGatewayRef;
    /** The OpenID client secret, required with `kiali.login: openid` (a Pulumi secret). */
    kialiClientSecret?: pulumi.Input<string>;
    /** The stack's registry: Kiali's image and pull secrets come from it. @default upstream images, no pull secret */
    registry?: ResolvedRegistry;
    /** The pull secret to create in Kiali's namespace, when no other component creates it there. @default none */
    kialiPullSecret?: PullSecretArgs;
}

/** Where the mesh's telemetry goes, as the stack outputs report it. */
export interface ObservabilitySummary {
    traces: { provider: string; endpoint: string; samplingPercent: number } | null;
    accessLogs: { mode: string; destination: string };
    metrics: { scraping: string; proxyEndpoint: string; monitors: string[]; alerts: string | null; dashboards: string[] };
    kialiUrl: string | null;
}

/**
 * Wires the mesh into the observability stack: the mesh-wide Telemetry (and per-namespace ones the mesh
 * namespace components do not own), prometheus-operator monitors, and optionally Kiali behind the internal
 * gateway. It installs no backend: Prometheus, the collector and Grafana belong to the platform.
 */
export class Observability extends pulumi.ComponentResource {
    public readonly summary: ObservabilitySummary;
    public readonly kialiUrl?: string;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:observability:Observability", name, {}, opts);
        const { config, plan, istioNamespace } = args;
        const after = { parent: this, dependsOn: [args.controlPlane] };

        new k8s.apiextensions.CustomResource(`${name}-mesh-telemetry`, telemetryObject(MESH_TELEMETRY_NAME, istioNamespace, plan.meshWide), after);
        for (const ns of args.ownNamespaceTelemetry ?? []) {
            const spec = namespaceTelemetry(plan, ns);
            if (spec) {
                new k8s.apiextensions.CustomResource(`${name}-telemetry-${ns}`, telemetryObject("default", ns, spec), after);
            }
        }

        // The collector's target allocator discovers the same monitors Prometheus would, by its own labels.
        const collector = config.metrics.via === "collector";
        const monitors =
            config.prometheus.mode === "operator" || collector
                ? monitorObjects({
                      prometheus: collector ? { ...config.prometheus, monitorLabels: config.metrics.collectorLabels } : config.prometheus,
                      istioNamespace,
                      revision: args.revision,
                      gatewayNamespaces: args.gatewayNamespaces,
                      gatewayLabels: args.gatewayLabels,
                  })
                : [];
        for (const m of monitors) {
            new k8s.apiextensions.CustomResource(`${name}-monitor-${m.metadata.name}`, m, after);
        }
        const gatewayNamespace = args.gatewayNamespaces[0] ?? istioNamespace;
        const rule = config.alerts
            ? alertRuleObject({ alerts: config.alerts, istioNamespace, gatewayNamespace, gatewayWorkloads: args.gatewayWorkloads ?? [] })
            : undefined;
        if (rule) {
            // Needs only the PrometheusRule CRD (prometheus-operator), not istiod.
            new k8s.apiextensions.CustomResource(`${name}-alerts`, rule, { parent: this });
        }
        const dashboards = config.dashboards ? dashboardConfigMaps({ dashboards: config.dashboards, istioNamespace, gatewayNamespace }) : [];
        for (const d of dashboards) {
            new k8s.core.v1.ConfigMap(`${name}-${d.metadata.name}`, d, { parent: this });
        }

        if (config.kiali) {
            this.kialiUrl = this.kiali(name, args, after);
        }

        const tracing = config.tracing;
        const logs = config.accessLogs;
        this.summary = {
            traces: tracing
                ? { provider: tracing.provider, endpoint: `${tracing.endpoint.host}:${tracing.endpoint.port}`, samplingPercent: tracing.sampling }
                : null,
            accessLogs: {
                mode: logs.mode,
                destination:
                    logs.mode === "off"
                        ? "none"
                        : logs.provider === "otel" && logs.endpoint
                          ? `${logs.endpoint.host}:${logs.endpoint.port}`
                          : `proxy stdout (${logs.encoding})`,
            },
            metrics: {
                scraping: collector ? "collector" : config.prometheus.mode,
                proxyEndpoint: `:${MERGED_METRICS.port}${MERGED_METRICS.path}`,
                monitors: monitors.map((m) => `${m.kind}/${m.metadata.name}`),
                alerts: rule ? `${rule.metadata.namespace}/${rule.metadata.name}` : null,
                dashboards: dashboards.map((d) => `${d.metadata.namespace}/${d.metadata.name}`),
            },
            kialiUrl: this.kialiUrl ?? null,
        };
        this.registerOutputs({ summary: this.summary });
    }

    private kiali(name: string, args: ObservabilityArgs, after: pulumi.CustomResourceOptions): string {
        const kiali = args.config.kiali!;
        if (!args.internalGateway) {
            // The config cross check refuses this; reaching it means the program was wired without the gateway.
            throw new pulumi.ResourceError("Kiali is published only through the internal gateway, and none was given", this);
        }
        const namespace = kiali.namespace ?? args.istioNamespace;
        const [gatewayNamespace] = args.internalGateway.gateway.split("/");
        const unreachable = kialiHostProblem(kiali, namespace, { ...args.internalGateway, namespace: gatewayNamespace });
        if (unreachable) {
            throw new pulumi.ResourceError(`observability.kiali.host ${kiali.host} ${unreachable}`, this);
        }
        // The chart would generate a new random key on every render: a diff on every preview and every user
        // logged out on every update. A key generated once and kept in state avoids both.
        const signingKey = new random.RandomPassword(`${name}-kiali-signing-key`, { length: 32, special: false }, { parent: this });
        const secrets: pulumi.Resource[] = args.kialiPullSecret ? [pullSecret(`${name}-kiali`, namespace, args.kialiPullSecret, this)] : [];
        secrets.push(
            new k8s.core.v1.Secret(
                `${name}-kiali-signing-key`,
                {
                    metadata: { name: KIALI_SECRETS.signingKey.name, namespace },
                    type: "Opaque",
                    stringData: { [KIALI_SECRETS.signingKey.key]: signingKey.result },
                },
                { parent: this },
            ),
        );
        if (kiali.login.kind === "openid") {
            if (args.kialiClientSecret === undefined) {
                throw new pulumi.ResourceError("kiali.login is openid but no client secret was given", this);
            }
            secrets.push(
                new k8s.core.v1.Secret(
                    `${name}-kiali-oidc`,
                    {
                        metadata: { name: KIALI_SECRETS.oidc.name, namespace },
                        type: "Opaque",
                        stringData: { [KIALI_SECRETS.oidc.key]: pulumi.secret(args.kialiClientSecret) },
                    },
                    { parent: this },
                ),
            );
        }
        // Kiali reads its secrets at start-up: they must exist before its first pod.
        const values = kialiValues({
            kiali,
            istioNamespace: args.istioNamespace,
            image: args.registry && imageRepository(args.registry, "kiali"),
            pullSecrets: args.registry?.pullSecrets,
        });
        new k8s.helm.v4.Chart(
            `${name}-kiali`,
            { ...kialiChartRef(kiali.chart, kiali.version), name: "kiali", namespace, values },
            { parent: this, dependsOn: [args.controlPlane, ...secrets] },
        );
        new k8s.apiextensions.CustomResource(
            `${name}-kiali-route`,
            kialiVirtualService({ host: kiali.host, namespace, gateway: args.internalGateway.gateway, clusterDomain: args.config.clusterDomain }),
            after,
        );
        return kialiUrl(kiali);
    }
}
