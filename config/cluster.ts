/**
 * `istio-mesh:cluster`: the bare-metal facts the ingress path depends on. Which load balancer hands out
 * Service addresses (MetalLB or kube-vip), the pools it hands them out from, and the kube-vip
 * control-plane VIP that must never be handed out at all.
 */
import { DNS_LABEL, DNS_LABEL_HINT, Field } from "./field";
import { IpAddress, IpRange, parseIp, parsePoolEntry, rangeContains, rangesOverlap } from "../domain/ip";
import { readLabels } from "./mesh-fields";

export type LoadBalancer = "metallb" | "kube-vip";

/** How MetalLB announces a pool: ARP/NDP from one node (`l2`), BGP to the routers (`bgp`), or not here (`none`). */
export type Advertisement = "l2" | "bgp" | "none";

export interface AddressPool {
    /** The pool's name: the IPAddressPool name and the `metallb.io/address-pool` annotation value. */
    name: string;
    /** The entries as written (CIDRs and `a-b` ranges), handed to MetalLB unchanged. */
    addresses: string[];
    advertisement: Advertisement;
    /** Whether MetalLB may give pool addresses to Services that do not ask for one. */
    autoAssign: boolean;
    /** Whether this stack creates the IPAddressPool and its advertisement (false: declared for the checks only). */
    manage: boolean;
    /** The nodes that announce the pool's addresses (the advertisement's nodeSelectors); absent: every speaker. */
    nodeSelector?: Record<string, string>;
}

export interface ClusterConfig {
    /** The kube-vip address of the Kubernetes API server. */
    controlPlaneVip?: string;
    loadBalancer: LoadBalancer;
    /** Where MetalLB runs: IPAddressPools and advertisements live in its namespace. */
    metallbNamespace: string;
    addressPools: AddressPool[];
}

export const CLUSTER_DEFAULTS = {
    loadBalancer: "metallb" as LoadBalancer,
    metallbNamespace: "metallb-system",
    advertisement: "l2" as Advertisement,
    // Pools exist for the gateways' pinned addresses; a Service that asks for nothing should not take one.
    autoAssign: false,
} as const;

export const IP_HINT = "an IPv4 or IPv6 address such as 10.0.0.10";

export function parseCluster(f: Field): ClusterConfig | undefined {
    const o = f.object(["controlPlaneVip", "loadBalancer", "metallbNamespace", "addressPools"]);
    if (!o) {
        return undefined;
    }
    const loadBalancer = o.loadBalancer.string(CLUSTER_DEFAULTS.loadBalancer, { oneOf: ["metallb", "kube-vip"] }) as LoadBalancer;
    const vipText = o.controlPlaneVip.string(undefined);
    let vip: IpAddress | undefined;
    if (vipText !== undefined) {
        vip = parseIp(vipText);
        if (!vip) {
            o.controlPlaneVip.problem(`must be ${IP_HINT} (got ${JSON.stringify(vipText)})`);
        }
    }
    const pools = o.addressPools.list((p) => parsePool(p, loadBalancer)) ?? [];
    checkPools(o.addressPools, pools, vip, vipText);
    return {
        controlPlaneVip: vip ? vipText : undefined,
        loadBalancer,
        metallbNamespace: o.metallbNamespace.string(CLUSTER_DEFAULTS.metallbNamespace, { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT }),
        addressPools: pools.map(({ pool }) => pool),
    };
}

interface ParsedPool {
    pool: AddressPool;
    ranges: IpRange[];
    /** Index of each range's entry in the pool's `addresses`, for keys in messages. */
    entries: number[];
    field: Field;
}

function parsePool(f: Field, loadBalancer: LoadBalancer): ParsedPool | undefined {
    const o = f.object(["name", "addresses", "advertisement", "autoAssign", "manage", "nodeSelector"]);
    if (!o) {
        return undefined;
    }
    if (!o.name.isSet) {
        o.name.problem("required: the pool's name (the IPAddressPool name, e.g. ingress)");
    }
    const name = o.name.string("", { pattern: DNS_LABEL, patternHint: DNS_LABEL_HINT });
    if (!o.addresses.isSet) {
        o.addresses.problem("required: the pool's CIDRs or address ranges, e.g. [10.0.10.50-10.0.10.59]");
    }
    const ranges: IpRange[] = [];
    const entries: number[] = [];
    const addresses =
        o.addresses.list(
            (a, i) => {
                const text = a.string(undefined, { pattern: /\S/, patternHint: "a CIDR or address range" });
                if (text === undefined) {
                    return undefined;
                }
                const parsed = parsePoolEntry(text);
                if ("error" in parsed) {
                    return a.problem(parsed.error);
                }
                ranges.push(parsed.range);
                entries.push(i);
                return text;
            },
            { minItems: 1 },
        ) ?? [];
    if (loadBalancer === "kube-vip" && o.advertisement.isSet) {
        o.advertisement.problem("applies to MetalLB only: kube-vip announces its addresses itself; remove it or set loadBalancer: metallb");
    }
    const manage = o.manage.boolean(loadBalancer === "metallb");
    if (manage && loadBalancer === "kube-vip") {
        o.manage.problem("must be false with loadBalancer kube-vip: kube-vip reads its ranges from its own config, and IPAddressPools are MetalLB's");
    }
    const advertisement = o.advertisement.string(CLUSTER_DEFAULTS.advertisement, { oneOf: ["l2", "bgp", "none"] }) as Advertisement;
    const nodeSelector = readLabels(o.nodeSelector, { nonEmpty: true });
    if (o.nodeSelector.isSet && (!manage || advertisement === "none")) {
        o.nodeSelector.problem(
            "needs a pool this stack manages and announces (manage: true, advertisement l2 or bgp): it selects the nodes of the advertisement the stack creates",
        );
    }
    return {
        pool: {
            name,
            addresses,
            advertisement,
            autoAssign: o.autoAssign.boolean(CLUSTER_DEFAULTS.autoAssign),
            manage,
            ...(nodeSelector ? { nodeSelector } : {}),
        },
        ranges,
        entries,
        field: o.addresses,
    };
}

/** Pool names are unique, pools never overlap, and no pool can hand out the control-plane VIP. */
function checkPools(f: Field, pools: ParsedPool[], vip: IpAddress | undefined, vipText: string | undefined): void {
    const seen = new Map<string, number>();
    pools.forEach(({ pool }, i) => {
        if (pool.name && seen.has(pool.name)) {
            f.child(i)
                .child("name")
                .problem(`duplicates addressPools[${seen.get(pool.name)}].name ${JSON.stringify(pool.name)}: pool names must be unique`);
        }
        seen.set(pool.name, i);
    });
    pools.forEach((a, i) => {
        a.ranges.forEach((range, r) => {
            const key = a.field.child(a.entries[r]);
            if (vip && rangeContains(range, vip)) {
                key.problem(
                    `${range.text} contains the control-plane VIP ${vipText} (cluster.controlPlaneVip): the load balancer could hand it to a Service and cut nodes off the API server; leave it out of the pool`,
                );
            }
            for (let j = 0; j < i; j++) {
                const clash = pools[j].ranges.find((o) => rangesOverlap(o, range));
                if (clash) {
                    key.problem(`${range.text} overlaps ${clash.text} of pool ${JSON.stringify(pools[j].pool.name)}: an address must belong to one pool only`);
                }
            }
            a.ranges.slice(0, r).forEach((earlier) => {
                if (rangesOverlap(earlier, range)) {
                    key.problem(`${range.text} overlaps ${earlier.text} in the same pool`);
                }
            });
        });
    });
}

/** The pool's entries as ranges (entries were checked when the config was parsed). */
export function poolRanges(pool: AddressPool): IpRange[] {
    return pool.addresses.flatMap((a) => {
        const parsed = parsePoolEntry(a);
        return "range" in parsed ? [parsed.range] : [];
    });
}

/** The declared pool holding `ip`, if any. */
export function poolContaining(cluster: ClusterConfig, ip: IpAddress): AddressPool | undefined {
    return cluster.addressPools.find((p) => poolRanges(p).some((r) => rangeContains(r, ip)));
}
