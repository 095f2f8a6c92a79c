import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AddressPool } from "../config/cluster";

export interface AddressPoolsArgs {
    /** MetalLB's namespace: it only reads pools and advertisements from there. */
    namespace: string;
    /** The pools this stack owns (`manage: true`); the others are declared for the address checks only. */
    pools: AddressPool[];
    /** Resources every object waits for (the control plane). */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The MetalLB objects of one pool, as plain manifests (pure, for tests and rendering). */
export function poolManifests(pool: AddressPool, namespace: string): Record<string, unknown>[] {
    const metadata = { name: pool.name, namespace, labels: { "app.kubernetes.io/managed-by": "istio-mesh" } };
    const out: Record<string, unknown>[] = [
        {
            apiVersion: "metallb.io/v1beta1",
            kind: "IPAddressPool",
            metadata,
            spec: { addresses: [...pool.addresses], autoAssign: pool.autoAssign },
        },
    ];
    if (pool.advertisement !== "none") {
        out.push({
            apiVersion: "metallb.io/v1beta1",
            kind: pool.advertisement === "l2" ? "L2Advertisement" : "BGPAdvertisement",
            metadata,
            // With externalTrafficPolicy Local, only selected nodes that also run a gateway pod announce.
            spec: pool.nodeSelector
                ? { ipAddressPools: [pool.name], nodeSelectors: [{ matchLabels: { ...pool.nodeSelector } }] }
                : { ipAddressPools: [pool.name] },
        });
    }
    return out;
}

/**
 * MetalLB address pools owned by the stack: one IPAddressPool per pool, announced over L2 or BGP as
 * configured. Pinned gateway addresses are taken from these pools by their `metallb.io/*` annotations.
 */
export class AddressPools extends pulumi.ComponentResource {
    /** The names of the pools created. */
    public readonly names: string[];

    constructor(name: string, args: AddressPoolsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("istio-mesh:ingress:AddressPools", name, {}, opts);
        for (const pool of args.pools) {
            for (const manifest of poolManifests(pool, args.namespace)) {
                const role = manifest.kind === "IPAddressPool" ? "pool" : "advertisement";
                new k8s.apiextensions.CustomResource(`${name}-${pool.name}-${role}`, manifest as k8s.apiextensions.CustomResourceArgs, {
                    parent: this,
                    dependsOn: args.dependsOn,
                });
            }
        }
        this.names = args.pools.map((p) => p.name);
        this.registerOutputs({ names: this.names });
    }
}
