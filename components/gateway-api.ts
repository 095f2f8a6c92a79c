import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig, poolContaining } from "../config/cluster";
import { GatewayApiConfig, gatewayApiGateway, PlatformConfig, routeForm, usesGatewayApiForm } from "../config/gateway-api";
import type { GatewaysConfig } from "../config/gateways";
import { parseIp } from "../config/ip";
import type { RouteConfig } from "../config/routes";
import {
    crossNamespaceServices,
    GATEWAY_API_VERSION,
    httpRouteSpec,
    kubeGatewaySpec,
    redirectRouteSpec,
    REFERENCE_GRANT_VERSION,
    referenceGrantSpec,
} from "./gateway-api.values";

export interface GatewayApiIngressArgs {
    /** The deployment model, reported in the summary. */
    platform: PlatformConfig;
    gatewayApi: GatewayApiConfig;
    cluster: ClusterConfig;
    /** The Istio gateways whose hosts and certificate Secrets the Gateway API Gateways take. */
    gateways: GatewaysConfig;
    /** Every route; those whose form is `gateway-api` or `both` become HTTPRoutes. */
    routes: RouteConfig[];
    /** Namespaces the program creates, by name: an HTTPRoute into one of them waits for it. */
    namespaces?: Record<string, pulumi.Resource>;
    /** The control plane and the Istio ingress (gateways' namespace, certificates): everything waits for them. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export interface GatewayApiSummary {
    deploymentModel: string;
    /** The default route form. */
    form: string;
    /** Per Istio gateway kind, its Gateway API Gateway (`namespace/name`) and pinned address. */
    gateways: Record<string, { gateway: string; address?: string }>;
    /** The routes rendered as HTTPRoutes. */
    httpRoutes: string[];
}

/**
 * The Gateway API form of the ingress (Istio as Gateway API implementation): a Gateway of class `istio`
 * per Istio gateway that has routes in this form (istiod deploys its pods and Service), its port-80
 * redirect, one HTTPRoute per route, and the ReferenceGrants for backends in other namespaces. The
 * Gateway API CRDs are the platform's: this component never installs them.
 */
export class GatewayApiIngress extends pulumi.ComponentResource {
    public readonly summary: GatewayApiSummary;

    constructor(name: string, args: GatewayApiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:GatewayApiIngress", name, {}, opts);
        const { gatewayApi: api, gateways } = args;
        const routes = args.routes.filter((r) => usesGatewayApiForm(routeForm(r, api)));
        const summary: GatewayApiSummary = { deploymentModel: args.platform.deploymentModel, form: api.form, gateways: {}, httpRoutes: [] };
        const kubeGateways: Record<string, k8s.apiextensions.CustomResource> = {};

        for (const kind of ["external", "internal"] as const) {
            const g = gateways.byName[kind];
            const mine = routes.filter((r) => r.gateway === kind);
            if (!g || mine.length === 0) {
                continue;
            }
            const gw = gatewayApiGateway(api, kind);
            const ip = gw.address ? parseIp(gw.address) : undefined;
            const pool = gw.pool ?? (ip ? poolContaining(args.cluster, ip)?.name : undefined);
            const gateway = new k8s.apiextensions.CustomResource(
                `${name}-${kind}`,
                {
                    apiVersion: GATEWAY_API_VERSION,
                    kind: "Gateway",
                    metadata: { name: gw.name, namespace: gateways.namespace },
                    spec: kubeGatewaySpec({
                        gateway: g,
                        api: gw,
                        gatewayClassName: api.gatewayClassName,
                        loadBalancer: args.cluster.loadBalancer,
                        pool,
                        routeNamespaces: mine.map((r) => r.namespace),
                    }),
                },
                { parent: this, dependsOn: args.dependsOn },
            );
            new k8s.apiextensions.CustomResource(
                `${name}-${kind}-https-redirect`,
                {
                    apiVersion: GATEWAY_API_VERSION,
                    kind: "HTTPRoute",
                    metadata: { name: `${gw.name}-https-redirect`, namespace: gateways.namespace },
                    spec: redirectRouteSpec(g, gw.name),
                },
                { parent: this, dependsOn: [...args.dependsOn, gateway] },
            );
            kubeGateways[kind] = gateway;
            summary.gateways[kind] = { gateway: `${gateways.namespace}/${gw.name}`, ...(gw.address ? { address: gw.address } : {}) };
        }

        for (const route of routes) {
            const g = gateways.byName[route.gateway];
            const gateway = kubeGateways[route.gateway];
            if (!g || !gateway) {
                // Unreachable after the config checks (a route names a configured gateway).
                throw new pulumi.ResourceError(`routes.${route.name}.gateway: the ${route.gateway} gateway does not exist`, this);
            }
            const target = args.namespaces?.[route.namespace];
            const deps = [...args.dependsOn, gateway, ...(target ? [target] : [])];
            new k8s.apiextensions.CustomResource(
                `${name}-route-${route.name}`,
                {
                    apiVersion: GATEWAY_API_VERSION,
                    kind: "HTTPRoute",
                    metadata: { name: route.name, namespace: route.namespace },
                    spec: httpRouteSpec(route, g, { name: gatewayApiGateway(api, route.gateway).name, namespace: gateways.namespace }),
                },
                { parent: this, dependsOn: deps },
            );
            for (const [ns, services] of Object.entries(crossNamespaceServices(route))) {
                new k8s.apiextensions.CustomResource(
                    `${name}-route-${route.name}-grant-${ns}`,
                    {
                        apiVersion: REFERENCE_GRANT_VERSION,
                        kind: "ReferenceGrant",
                        metadata: { name: `${route.name}-from-${route.namespace}`, namespace: ns },
                        spec: referenceGrantSpec(route, services),
                    },
                    { parent: this, dependsOn: [...args.dependsOn, ...(args.namespaces?.[ns] ? [args.namespaces[ns]] : [])] },
                );
            }
            summary.httpRoutes.push(`${route.namespace}/${route.name}`);
        }

        this.summary = summary;
        this.registerOutputs({ summary });
    }
}
