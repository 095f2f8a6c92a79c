import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CertificatesConfig } from "../config/certificates";
import { ClusterConfig, poolContaining } from "../config/cluster";
import type { GatewaysConfig } from "../config/gateways";
import type { ExternalServiceConfig } from "../config/mesh";
import { gatewaysOf } from "../config/ingress";
import { parseIp } from "../domain/ip";
import type { IstioConfig } from "../config/istio";
import type { RouteConfig } from "../config/routes";
import { AddressPools } from "./address-pools";
import { Certificates } from "./certificates";
import { IngressGateway } from "./ingress-gateway";
import { pullSecret, PullSecretArgs } from "./pull-secret";
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
    /** The registry's pull secret, created in the gateways' namespace before the gateways. @default none */
    pullSecret?: PullSecretArgs;
    /** External services by name: those with a `gateway` give their egress gateway its servers. @default {} */
    externalServices?: Readonly<Record<string, ExternalServiceConfig>>;
}

/** What the stack exports about one gateway. */
export interface GatewaySummary {
    /** The pinned load-balancer address (absent for a ClusterIP gateway). */
    address?: string;
    hosts: string[];
    /** The Gateway resource, `namespace/name`. */
    gateway: string;
    /** The gateway's namespace, when it is not the gateways' default one. */
    namespace?: string;
    /** The in-cluster Service name. */
    service: string;
    /** The Secret holding the gateway's certificate, in its namespace (absent: the gateway has none). */
    certificateSecret?: string;
}

export interface IngressSummary {
    namespace: string;
    /** By gateway name. */
    gateways: Record<string, GatewaySummary>;
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

        const namespaces = this.gatewayNamespaces(name, args, controlPlane);
        // The registry's pull secret in each gateway namespace the stack creates (istiod's has its own).
        const pulls: Record<string, pulumi.Resource> = {};
        for (const [ns, resource] of Object.entries(namespaces)) {
            if (args.pullSecret) {
                pulls[ns] = pullSecret(ns === gateways.namespace ? name : `${name}-${ns}`, ns, args.pullSecret, this, [resource]);
            }
        }
        const certs = new Certificates(
            `${name}-certificates`,
            {
                certificates,
                gatewayNamespace: gateways.namespace,
                gateways: configured,
                protect: args.istio.protect,
                dependsOn: [...controlPlane, ...Object.values(namespaces)],
            },
            { parent: this },
        );

        const summary: IngressSummary = { namespace: gateways.namespace, gateways: {}, issuers: certs.issuers };
        if (certs.internalCaCertPem) {
            summary.internalCaCertPem = certs.internalCaCertPem;
        }
        const gatewayResources: Record<string, IngressGateway> = {};
        for (const g of configured) {
            const ip = g.address ? parseIp(g.address) : undefined;
            const pool = g.pool ?? (ip ? poolContaining(cluster, ip)?.name : undefined);
            const egressServices = Object.entries(args.externalServices ?? {}).filter(([, s]) => s.gateway === g.name);
            const gw = new IngressGateway(
                `${name}-${g.name}`,
                {
                    gateway: g,
                    istio: args.istio,
                    namespace: g.namespace,
                    loadBalancer: cluster.loadBalancer,
                    pool,
                    revision: args.revision === "default" ? undefined : args.revision,
                    egressServices: Object.fromEntries(egressServices),
                    dependsOn: [
                        ...controlPlane,
                        ...(namespaces[g.namespace] ? [namespaces[g.namespace]] : []),
                        ...pools,
                        ...(pulls[g.namespace] ? [pulls[g.namespace]] : []),
                    ],
                },
                { parent: this },
            );
            gatewayResources[g.name] = gw;
            summary.gateways[g.name] = {
                ...(g.address ? { address: g.address } : {}),
                hosts: [...g.hosts],
                gateway: gw.gatewayRef,
                ...(g.namespace !== gateways.namespace ? { namespace: g.namespace } : {}),
                service: gw.serviceHost,
                ...(certs.secretNames[g.name] ? { certificateSecret: certs.secretNames[g.name] } : {}),
            };
        }

        for (const route of args.routes) {
            const gw = gatewayResources[route.gateway];
            if (!gw) {
                // Unreachable after the config checks (a route must name a configured gateway).
                throw new pulumi.ResourceError(`routes.${route.name}.gateway: the ${route.gateway} gateway does not exist`, this);
            }
            const target = args.namespaces?.[route.namespace];
            new Route(
                `${name}-route-${route.name}`,
                { route, gateway: gw.gatewayRef, dependsOn: [...controlPlane, gw, ...(target ? [target] : [])] },
                { parent: this },
            );
        }

        this.summary = summary;
        this.registerOutputs({ summary });
    }

    /**
     * The gateways' namespaces, enrolled for injection: the gateway pods are nothing until istiod injects
     * them. The default namespace keeps its resource name (`<name>-namespace`); others are named after
     * themselves. The control plane's namespace is never created twice: the chart labels gateway pods for
     * injection, so a gateway there needs no namespace label.
     */
    private gatewayNamespaces(name: string, args: IngressArgs, dependsOn: pulumi.Resource[]): Record<string, pulumi.Resource> {
        const label = args.injectionLabel;
        const out: Record<string, pulumi.Resource> = {};
        for (const ns of new Set(gatewaysOf(args.gateways).map((g) => g.namespace))) {
            if (ns === args.istio.namespace) {
                continue;
            }
            out[ns] = new k8s.core.v1.Namespace(
                ns === args.gateways.namespace ? `${name}-namespace` : `${name}-namespace-${ns}`,
                { metadata: { name: ns, labels: { [label.key]: label.value, "app.kubernetes.io/part-of": "istio-mesh" } } },
                { parent: this, dependsOn },
            );
        }
        return out;
    }
}
