import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancer } from "../config/cluster";
import type { GatewayConfig } from "../config/gateways";
import type { IstioConfig } from "../config/istio";
import { chartRef } from "./chart-source";
import { gatewayServers, gatewayValues, httpRedirectGateway } from "./ingress-gateway.values";

export interface IngressGatewayArgs {
    gateway: GatewayConfig;
    istio: IstioConfig;
    /** The gateways' namespace (created with the control plane's injection label). */
    namespace: string;
    loadBalancer: LoadBalancer;
    pool?: string;
    /** The control-plane revision when one is configured. */
    revision?: string;
    /** Resources every object waits for: the control plane (istiod must be able to inject) and the namespace. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * One Istio ingress gateway: the official `gateway` chart (Deployment, Service, autoscaler, PDB) and the
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

        new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            {
                apiVersion: "networking.istio.io/v1",
                kind: "Gateway",
                metadata: { name: g.gatewayName, namespace },
                spec: { selector: { ...g.labels }, servers: gatewayServers(g) },
            },
            { parent: this, dependsOn: args.dependsOn },
        );

        if (g.kind === "external" && g.issuer === "acme") {
            const http = httpRedirectGateway(g, namespace);
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

        this.gatewayRef = `${namespace}/${g.gatewayName}`;
        this.address = g.address;
        this.serviceHost = `${g.release}.${namespace}.svc.cluster.local`;
        this.registerOutputs({ gateway: this.gatewayRef, address: this.address, service: this.serviceHost });
    }
}
