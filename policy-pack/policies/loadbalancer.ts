/** Bare-metal load balancing: addresses requested by LoadBalancer Services against MetalLB pools and the kube-vip VIP. */
import type { StackValidationPolicy } from "@pulumi/policy";
import { GK } from "../lib/istio";
import { inRange, IpRange, isBuggyIpv4, parseIp, parseRange } from "../lib/ip";
import { arr, K8sObject, podTemplate, ref, str, WORKLOAD_KINDS } from "../lib/k8s";
import { StackIndex } from "../lib/stack";
import { stackPolicy, stringList } from "../lib/policy";

/** Where a Service asks for a specific address, in the order the pack reads them. */
const ADDRESS_ANNOTATIONS = ["metallb.io/loadBalancerIPs", "metallb.universe.tf/loadBalancerIPs", "kube-vip.io/loadbalancerIPs"];
const POOL_ANNOTATIONS = ["metallb.io/address-pool", "metallb.universe.tf/address-pool"];

interface Pool {
    obj: K8sObject;
    ranges: IpRange[];
    avoidBuggy: boolean;
    namespaces: string[];
}

/** The addresses a Service requests, with the field each came from. */
export function requestedAddresses(svc: K8sObject): { field: string; text: string }[] {
    const out: { field: string; text: string }[] = [];
    for (const key of ADDRESS_ANNOTATIONS) {
        const v = svc.annotations[key];
        if (v) for (const part of v.split(",")) if (part.trim()) out.push({ field: `metadata.annotations["${key}"]`, text: part.trim() });
    }
    const ip = str(svc.spec.loadBalancerIP);
    if (ip) out.push({ field: "spec.loadBalancerIP", text: ip });
    return out;
}

/**
 * The control-plane VIP kube-vip announces, when kube-vip itself is among the checked resources (a DaemonSet
 * or static Pod with `cp_enable: "true"` and `address`/`vip_address`), with the object it came from.
 */
export function kubeVipAddress(idx: StackIndex): { vip: string; from: string } | undefined {
    for (const gk of WORKLOAD_KINDS) {
        for (const w of idx.of(gk)) {
            for (const c of arr(podTemplate(w)?.spec.containers)) {
                if (!String(c?.image ?? "").includes("kube-vip")) continue;
                const env = new Map(arr(c?.env).map((e) => [e?.name, e?.value]));
                const vip = str(env.get("address")) ?? str(env.get("vip_address"));
                if (vip && env.get("cp_enable") === "true") return { vip, from: ref(w) };
            }
        }
    }
    return undefined;
}

function poolText(p: Pool): string {
    return `${ref(p.obj)}: ${p.ranges.map((r) => r.text).join(", ") || "no addresses"}`;
}

/** MetalLB address assignment rules; kube-vip control-plane VIP isolation. */
export function loadBalancerAddressInPool(): StackValidationPolicy {
    return stackPolicy<{ controlPlaneVip: string; externalPools: string[] }>({
        name: "loadbalancer-address-in-pool",
        description:
            "Checks that every address a LoadBalancer Service requests lies in a MetalLB IPAddressPool among the checked resources (or an external pool) and is not the control-plane VIP, and that no pool contains the VIP.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                controlPlaneVip: {
                    type: "string",
                    default: "",
                    description:
                        "The kube-vip address of the Kubernetes API server; when empty, read from a kube-vip workload among the checked resources, if any.",
                },
                externalPools: stringList("Address ranges (CIDR or a-b) of pools managed outside the checked resources."),
            },
        },
        check: (idx, cfg, report) => {
            const found = cfg.controlPlaneVip ? { vip: cfg.controlPlaneVip, from: "" } : kubeVipAddress(idx);
            const vipText = found ? `${found.vip}${found.from ? ` (announced by ${found.from})` : ""}` : "";
            const vip = found ? parseIp(found.vip) : undefined;
            const pools: Pool[] = [];
            for (const p of idx.of(GK.IPAddressPool)) {
                if (p.unknown) return; // a pool whose addresses are unknown could hold anything
                const ranges: IpRange[] = [];
                arr(p.spec.addresses).forEach((a, i) => {
                    const r = typeof a === "string" ? parseRange(a) : undefined;
                    if (r) ranges.push(r);
                    else
                        report(
                            p,
                            `${ref(p)}: spec.addresses[${i}] ${JSON.stringify(a)} is neither a CIDR nor an a-b range of one IP family; MetalLB rejects the pool.`,
                        );
                    if (r && vip && inRange(vip, r)) {
                        report(
                            p,
                            `${ref(p)}: spec.addresses[${i}] ${r.text} contains the control-plane VIP ${vipText}; MetalLB may assign it to a Service, and two speakers then answer for the API server's address, cutting the cluster off from kubectl and the nodes. Exclude it from the pool.`,
                        );
                    }
                });
                const alloc = p.spec.serviceAllocation;
                const selective = alloc && (arr(alloc.namespaceSelectors).length > 0 || arr(alloc.serviceSelectors).length > 0);
                pools.push({ obj: p, ranges, avoidBuggy: p.spec.avoidBuggyIPs === true, namespaces: selective ? [] : arr<string>(alloc?.namespaces) });
            }
            const external = cfg.externalPools.map(parseRange).filter((r): r is IpRange => !!r);
            for (const svc of idx.of(GK.Service)) {
                if (svc.spec.type !== "LoadBalancer" || svc.unknown) continue;
                const poolName = POOL_ANNOTATIONS.map((k) => svc.annotations[k]).find((v) => !!v);
                for (const { field, text } of requestedAddresses(svc)) {
                    const ip = parseIp(text);
                    if (!ip) {
                        report(
                            svc,
                            `${ref(svc)}: ${field} requests "${text}", which is not an IP address; the load balancer cannot assign it and the Service stays pending.`,
                        );
                        continue;
                    }
                    if (vip && ip.family === vip.family && ip.value === vip.value) {
                        report(
                            svc,
                            `${ref(svc)}: ${field} requests ${text}, the control-plane VIP${found?.from ? ` announced by ${found.from}` : ""}; the Service and kube-vip would both answer for it, cutting the cluster off from its API server. Pick another address.`,
                        );
                        continue;
                    }
                    // A Service handed to another load balancer implementation is outside MetalLB's pools.
                    const lbClass = str(svc.spec.loadBalancerClass);
                    if (lbClass && !lbClass.includes("metallb")) continue;
                    if (pools.length === 0 && external.length === 0) continue;
                    if (external.some((r) => inRange(ip, r))) continue;
                    const candidates = poolName ? pools.filter((p) => p.obj.name === poolName) : pools;
                    if (poolName && candidates.length === 0) continue; // the named pool is managed elsewhere
                    const holding = candidates.filter((p) => p.ranges.some((r) => inRange(ip, r)) && !(p.avoidBuggy && isBuggyIpv4(ip)));
                    if (holding.length === 0) {
                        const scope = poolName
                            ? `the pool "${poolName}" it selects (${candidates.map(poolText).join("; ")})`
                            : `every MetalLB IPAddressPool (${candidates.slice(0, 5).map(poolText).join("; ")}${candidates.length > 5 ? "; ..." : ""})`;
                        report(
                            svc,
                            `${ref(svc)}: ${field} requests ${text}, which lies outside ${scope}; MetalLB never assigns it, so the Service stays <pending> and is unreachable.`,
                        );
                        continue;
                    }
                    if (holding.every((p) => p.namespaces.length > 0 && !p.namespaces.includes(svc.namespace))) {
                        report(
                            svc,
                            `${ref(svc)}: ${field} requests ${text} from ${holding.map((p) => ref(p.obj)).join(", ")}, whose spec.serviceAllocation.namespaces (${holding[0].namespaces.join(", ")}) exclude namespace ${svc.namespace}; MetalLB refuses the assignment and the Service stays <pending>.`,
                        );
                    }
                }
            }
        },
    });
}
