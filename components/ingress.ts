import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CertificatesConfig } from "../config/certificates";
import { ClusterConfig, poolContaining } from "../config/cluster";
import type { GatewayKind, GatewaysConfig } from "../config/gateways";
import { gatewaysOf } from "../config/ingress";
import { parseIp } from "../domain/ip";
import type { IstioConfig } from "../config/istio";
import type { RouteConfig } from "../config/routes";
import { AddressPools } from "./address-pools";
import { Certificates } from "./certificates";
import { IngressGateway } from "./ingress-gateway";
import { Route } from "./route";

export interface IngressArgs {
    istio: IstioConfig;
    cluster: ClusterConfig;
    gateways: GatewaysConfig;
    certificates: CertificatesConfig;
    routes: RouteConfig[];
    /** The control plane: every ingress object waits for it (CRDs, then an injecting istiod). */
    controlPlane: pulumi.Resource;
    /** The label that enrols a namespace with the control plane (`istio-injection=enabled` or `istio.io/rev=<rev>`). */
    injectionLabel: { key: string; value: string };
    /** The control-plane revision, or "default". */
    revision: string;
    /** Namespaces the program creates, by name: a route into one of them waits for it. */
    namespaces?: Record<string, pulumi.Resource>;
}

/** What the stack exports about one gateway. */
export interface GatewaySummary {
    /** The pinned load-balancer address (absent for a ClusterIP gateway). */
    address?: string;
    hosts: string[];
    /** The Gateway resource, `namespace/name`. */
    gateway: string;
    /** The in-cluster Service name. */
    service: string;
    /** The Secret holding the gateway's certificate, in `namespace`. */
    certificateSecret: string;
}

export interface IngressSummary {
    namespace: string;
    gateways: Partial<Record<GatewayKind, GatewaySummary>>;
    issuers: string[];
    /** The internal CA's certificate (public), when one exists: internal-gateway clients trust it. */
    internalCaCertPem?: pulumi.Output<string>;
}

/**
 * The ingress path: external traffic to a MetalLB/kube-vip address, to an Istio ingress gateway, to a
 * Gateway, to a VirtualService, to the application. Creates the gateways' namespace (enrolled with the
 * control plane), the owned address pools, cert-manager issuers and certificates, the gateways and routes.
 */
export class Ingress extends pulumi.ComponentResource {
    public readonly summary: IngressSummary;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:Ingress", name, {}, opts);
        const { cluster, gateways, certificates } = args;
        const controlPlane = [args.controlPlane];
        const configured = gatewaysOf(gateways);

        const owned = cluster.loadBalancer === "metallb" ? cluster.addressPools.filter((p) => p.manage) : [];
        const pools =
            owned.length > 0 && configured.length > 0
                ? [new AddressPools(`${name}-pools`, { namespace: cluster.metallbNamespace, pools: owned, dependsOn: controlPlane }, { parent: this })]
                : [];

        const namespace = configured.length > 0 ? this.gatewayNamespace(name, gateways.namespace, args.injectionLabel, controlPlane) : undefined;
        const certs = new Certificates(
            `${name}-certificates`,
            {
                certificates,
                gatewayNamespace: gateways.namespace,
                gateways: configured,
                protect: args.istio.protect,
                dependsOn: namespace ? [...controlPlane, namespace] : controlPlane,
            },
            { parent: this },
        );

        const summary: IngressSummary = { namespace: gateways.namespace, gateways: {}, issuers: certs.issuers };
        if (certs.internalCaCertPem) {
            summary.internalCaCertPem = certs.internalCaCertPem;
        }
        const gatewayResources: Partial<Record<GatewayKind, IngressGateway>> = {};
        for (const g of configured) {
            const ip = g.address ? parseIp(g.address) : undefined;
            const pool = g.pool ?? (ip ? poolContaining(cluster, ip)?.name : undefined);
            const gw = new IngressGateway(
                `${name}-${g.kind}`,
                {
                    gateway: g,
                    istio: args.istio,
                    namespace: gateways.namespace,
                    loadBalancer: cluster.loadBalancer,
                    pool,
                    revision: args.revision === "default" ? undefined : args.revision,
                    dependsOn: [...controlPlane, namespace!, ...pools],
                },
                { parent: this },
            );
            gatewayResources[g.kind] = gw;
            summary.gateways[g.kind] = {
                ...(g.address ? { address: g.address } : {}),
                hosts: [...g.hosts],
                gateway: gw.gatewayRef,
                service: gw.serviceHost,
                certificateSecret: certs.secretNames[g.kind],
            };
        }

        for (const route of args.routes) {
            const gw = gatewayResources[route.gateway];
            if (!gw) {
                // Unreachable after the config checks (a route must name a configured gateway).
                throw new pulumi.ResourceError(`routes.${route.name}.gateway: the ${route.gateway} gateway does not exist`, this);
            }
            const target = args.namespaces?.[route.namespace];
            new Route(`${name}-route-${route.name}`, { route, gateway: gw.gatewayRef, dependsOn: [...controlPlane, gw, ...(target ? [target] : [])] }, { parent: this });
        }

        this.summary = summary;
        this.registerOutputs({ summary });
    }

    /** The gateways' namespace, enrolled for injection: the gateway pods are nothing until istiod injects them. */
    private gatewayNamespace(name: string, ns: string, label: { key: string; value: string }, dependsOn: pulumi.Resource[]): k8s.core.v1.Namespace {
        return new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: ns, labels: { [label.key]: label.value, "app.kubernetes.io/part-of": "istio-mesh" } } },
            { parent: this, dependsOn },
        );
    }
}
