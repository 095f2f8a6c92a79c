import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RouteConfig, RoutePath } from "../config/routes";

/** A Service name in `namespace`, or a host that is already qualified (contains a dot), as Istio wants it. */
export function destinationHost(service: string, namespace: string): string {
    return service.includes(".") ? service : `${service}.${namespace}.svc.cluster.local`;
}

/**
 * Envoy takes the first route that matches, so the most specific paths go first: exact before prefix,
 * longer prefixes before shorter ones (`/api/v2` before `/api`, `/` last).
 */
export function orderPaths(paths: RoutePath[]): RoutePath[] {
    return [...paths].sort((a, b) => {
        if (a.match !== b.match) {
            return a.match === "exact" ? -1 : 1;
        }
        return b.path.length - a.path.length;
    });
}

/** The VirtualService spec of a route bound to `gateway` (`namespace/name`). Pure. */
export function virtualServiceSpec(route: RouteConfig, gateway: string): Record<string, unknown> {
    return {
        hosts: [...route.hosts],
        gateways: [gateway],
        http: orderPaths(route.paths).map((p) => {
            const destination: Record<string, unknown> = { host: destinationHost(p.service, route.namespace) };
            if (p.port !== undefined) {
                destination.port = { number: p.port };
            }
            return {
                name: `${p.match}${p.path === "/" ? "-root" : p.path.replace(/[^a-zA-Z0-9]+/g, "-").replace(/-$/, "")}`,
                match: [{ uri: { [p.match]: p.path } }],
                route: [{ destination }],
            };
        }),
    };
}

export interface RouteArgs {
    route: RouteConfig;
    /** The Gateway resource as `namespace/name`. */
    gateway: string;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** A service published through a gateway: one VirtualService in the service's namespace. */
export class Route extends pulumi.ComponentResource {
    public readonly hosts: string[];

    constructor(name: string, args: RouteArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:Route", name, {}, opts);
        new k8s.apiextensions.CustomResource(
            `${name}-virtual-service`,
            {
                apiVersion: "networking.istio.io/v1",
                kind: "VirtualService",
                metadata: { name: args.route.name, namespace: args.route.namespace },
                spec: virtualServiceSpec(args.route, args.gateway),
            },
            { parent: this, dependsOn: args.dependsOn },
        );
        this.hosts = args.route.hosts;
        this.registerOutputs({ hosts: this.hosts, gateway: args.gateway });
    }
}
