import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancer } from "../config/cluster";
import type { GatewayConfig } from "../config/gateways";
import type { IstioConfig } from "../config/istio";
import type { ExternalServiceConfig } from "../config/mesh";
import { chartRef } from "./chart-source";
import { egressGatewayRuleSpec, egressOriginationRuleSpec, egressRouteSpec, egressServers } from "./egress.values";
import { acmeRedirectPort, gatewayServers, gatewayValues, httpRedirectGateway, portRoutesSpec } from "./ingress-gateway.values";

export interface IngressGatewayArgs {
    gateway: GatewayConfig;
    istio: IstioConfig;
    /** The gateway's namespace (created with the control plane's injection label, or the control plane's). */
    namespace: string;
    loadBalancer: LoadBalancer;
    pool?: string;
    /** The control-plane revision when one is configured. */
    revision?: string;
    /** An egress gateway's external services by name, routed through it. @default {} */
    egressServices?: Readonly<Record<string, ExternalServiceConfig>>;
    /** Resources every object waits for: the control plane (istiod must be able to inject) and the namespace. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * One Istio gateway, ingress or egress: the official `gateway` chart (Deployment, Service, autoscaler, PDB) and the
 * networking.istio.io/v1 Gateway resource that configures its listeners. The chart's pods carry
 * `image: auto`, which only istiod's injector replaces: the chart must install after istiod is ready.
 */
export class IngressGateway extends pulumi.ComponentResource {
    /** The Gateway resource as `namespace/name`, the form VirtualServices bind with. */
    public readonly gatewayRef: string;
    /** The Service's pinned address, if any. */
    public readonly address?: string;
    /** The Service's in-cluster DNS name. */
    public readonly serviceHost: string;
    public readonly chart: k8s.helm.v4.Chart;

    constructor(name: string, args: IngressGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:IngressGateway", name, {}, opts);
        const { gateway: g, istio, namespace } = args;

        this.chart = new k8s.helm.v4.Chart(
            `${name}-chart`,
            {
                ...chartRef(istio.chart, "gateway", istio.version),
                name: g.release,
                namespace,
                values: gatewayValues({
                    gateway: g,
                    loadBalancer: args.loadBalancer,
                    pool: args.pool,
                    revision: args.revision,
                    imagePullSecrets: istio.imagePullSecrets,
                }),
            },
            { parent: this, dependsOn: args.dependsOn },
        );

        const gatewayRef = `${namespace}/${g.gatewayName}`;
        const egress = args.egressServices ?? {};
        const servers = g.kind === "egress" ? egressServers(egress) : gatewayServers(g);
        const gateway = new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "networking.istio.io/v1",
                kind: "Gateway",
                metadata: { name: g.gatewayName, namespace },
                spec: { selector: { ...g.labels }, servers },
            },
            { parent: this, dependsOn: args.dependsOn },
        );

        const redirect = acmeRedirectPort(g);
        if (redirect !== undefined) {
            const http = httpRedirectGateway(g, namespace, redirect);
            const httpGateway = new k8s.apiextensions.CustomResource(
                `${name}-http-gateway`,
                { apiVersion: "networking.istio.io/v1", kind: "Gateway", metadata: { name: `${g.gatewayName}-http`, namespace }, spec: http.gateway },
                { parent: this, dependsOn: args.dependsOn },
            );
            new k8s.apiextensions.CustomResource(
                `${name}-https-redirect`,
                {
                    apiVersion: "networking.istio.io/v1",
                    kind: "VirtualService",
                    metadata: { name: `${g.gatewayName}-https-redirect`, namespace },
                    spec: http.virtualService,
                },
                { parent: this, dependsOn: [...args.dependsOn, httpGateway] },
            );
        }

        const portRoutes = portRoutesSpec(g, gatewayRef);
        if (portRoutes) {
            new k8s.apiextensions.CustomResource(
                `${name}-port-routes`,
                { apiVersion: "networking.istio.io/v1", kind: "VirtualService", metadata: { name: `${g.gatewayName}-ports`, namespace }, spec: portRoutes },
                { parent: this, dependsOn: [...args.dependsOn, gateway] },
            );
        }
        this.egressRoutes(name, g, egress, gatewayRef, [...args.dependsOn, gateway]);

        this.gatewayRef = gatewayRef;
        this.address = g.address;
        this.serviceHost = `${g.release}.${namespace}.svc.cluster.local`;
        this.registerOutputs({ gateway: this.gatewayRef, address: this.address, service: this.serviceHost });
    }

    /** The egress pattern for each external service routed through this (egress) gateway. */
    private egressRoutes(
        name: string,
        g: GatewayConfig,
        services: Readonly<Record<string, ExternalServiceConfig>>,
        gatewayRef: string,
        dependsOn: pulumi.Input<pulumi.Resource>[],
    ): void {
        const entries = Object.entries(services);
        if (entries.length === 0) {
            return;
        }
        const opts = { parent: this, dependsOn };
        const serviceHost = `${g.release}.${g.namespace}.svc.cluster.local`;
        const meta = (n: string) => ({ name: n, namespace: g.namespace });
        if (entries.some(([, s]) => s.originateTls)) {
            new k8s.apiextensions.CustomResource(
                `${name}-destination-rule`,
                { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: meta(g.gatewayName), spec: egressGatewayRuleSpec(g) },
                opts,
            );
        }
        for (const [service, s] of entries) {
            new k8s.apiextensions.CustomResource(
                `${name}-route-${service}`,
                {
                    apiVersion: "networking.istio.io/v1",
                    kind: "VirtualService",
                    metadata: meta(`${service}-egress`),
                    spec: egressRouteSpec(s, { gateway: gatewayRef, serviceHost }),
                },
                opts,
            );
            const origination = egressOriginationRuleSpec(s);
            if (origination) {
                new k8s.apiextensions.CustomResource(
                    `${name}-origination-${service}`,
                    { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: meta(`${service}-egress-origination`), spec: origination },
                    opts,
                );
            }
        }
    }
}
