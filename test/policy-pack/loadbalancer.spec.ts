import * as assert from "assert";
import { run } from "./harness";
import { ipAddressPool, service } from "./objects";

const pool = (addresses: string[], extra: object = {}, name = "ingress") => ipAddressPool("metallb-system", name, { addresses, ...extra });
const lb = (annotations: Record<string, string>, spec: object = {}, ns = "istio-ingress") =>
    service(ns, "gw", { type: "LoadBalancer", ports: [{ name: "https", port: 443 }], ...spec }, { annotations });

describe("loadbalancer-address-in-pool", () => {
    it("reports an address outside every pool", () => {
        assert.deepStrictEqual(run("loadbalancer-address-in-pool", [pool(["10.0.10.50-10.0.10.59"]), lb({ "metallb.io/loadBalancerIPs": "10.0.20.5" })]), [
            'Service istio-ingress/gw: metadata.annotations["metallb.io/loadBalancerIPs"] requests 10.0.20.5, which lies outside every MetalLB IPAddressPool (IPAddressPool metallb-system/ingress: 10.0.10.50-10.0.10.59); MetalLB never assigns it, so the Service stays <pending> and is unreachable.',
        ]);
    });
    it("reads the older metallb.universe.tf annotation", () => {
        assert.match(
            run("loadbalancer-address-in-pool", [pool(["10.0.10.0/28"]), lb({ "metallb.universe.tf/loadBalancerIPs": "10.0.10.16" })])[0],
            /metallb\.universe\.tf\/loadBalancerIPs"\] requests 10\.0\.10\.16/,
        );
    });
    it("reads the kube-vip annotation", () => {
        assert.strictEqual(run("loadbalancer-address-in-pool", [pool(["10.0.10.0/28"]), lb({ "kube-vip.io/loadbalancerIPs": "10.0.11.1" })]).length, 1);
    });
    it("reads spec.loadBalancerIP", () => {
        assert.match(
            run("loadbalancer-address-in-pool", [pool(["10.0.10.0/28"]), lb({}, { loadBalancerIP: "192.168.1.1" })])[0],
            /spec\.loadBalancerIP requests 192\.168\.1\.1/,
        );
    });
    it("checks each address of a dual-stack request, IPv6 included", () => {
        const msgs = run("loadbalancer-address-in-pool", [
            pool(["10.0.10.0/24", "fd00:10::/120"]),
            lb({ "metallb.io/loadBalancerIPs": "10.0.10.5,fd00:11::1" }),
        ]);
        assert.deepStrictEqual(msgs.length, 1);
        assert.match(msgs[0], /requests fd00:11::1, which lies outside/);
    });
    it("accepts addresses inside CIDR and range pools", () => {
        assert.deepStrictEqual(
            run("loadbalancer-address-in-pool", [
                pool(["10.0.10.0/24", "fd00:10::1-fd00:10::ff"]),
                lb({ "metallb.io/loadBalancerIPs": "10.0.10.5,fd00:10::32" }),
            ]),
            [],
        );
    });
    it("reports the control-plane VIP", () => {
        assert.deepStrictEqual(run("loadbalancer-address-in-pool", [lb({}, { loadBalancerIP: "10.0.0.10" })], { controlPlaneVip: "10.0.0.10" }), [
            "Service istio-ingress/gw: spec.loadBalancerIP requests 10.0.0.10, the control-plane VIP; the Service and kube-vip would both answer for it, cutting the cluster off from its API server. Pick another address.",
        ]);
    });
    it("reports a pool that contains the control-plane VIP", () => {
        assert.deepStrictEqual(run("loadbalancer-address-in-pool", [pool(["10.0.0.0/24"])], { controlPlaneVip: "10.0.0.10" }), [
            "IPAddressPool metallb-system/ingress: spec.addresses[0] 10.0.0.0/24 contains the control-plane VIP 10.0.0.10; MetalLB may assign it to a Service, and two speakers then answer for the API server's address, cutting the cluster off from kubectl and the nodes. Exclude it from the pool.",
        ]);
    });
    it("reads the VIP from a kube-vip DaemonSet among the resources when none is configured", () => {
        const kubeVip = {
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            metadata: { name: "kube-vip", namespace: "kube-system" },
            spec: {
                template: {
                    spec: {
                        containers: [
                            {
                                name: "kube-vip",
                                image: "ghcr.io/kube-vip/kube-vip:v0.9.2",
                                env: [
                                    { name: "cp_enable", value: "true" },
                                    { name: "address", value: "10.0.0.10" },
                                ],
                            },
                        ],
                    },
                },
            },
        };
        assert.deepStrictEqual(run("loadbalancer-address-in-pool", [kubeVip, lb({}, { loadBalancerIP: "10.0.0.10" })]), [
            "Service istio-ingress/gw: spec.loadBalancerIP requests 10.0.0.10, the control-plane VIP announced by DaemonSet kube-system/kube-vip; the Service and kube-vip would both answer for it, cutting the cluster off from its API server. Pick another address.",
        ]);
    });
    it("checks the pool a Service selects by annotation", () => {
        const objs = [
            pool(["10.0.10.0/28"]),
            pool(["10.0.20.0/28"], {}, "internal"),
            lb({ "metallb.io/address-pool": "internal", "metallb.io/loadBalancerIPs": "10.0.10.5" }),
        ];
        assert.match(
            run("loadbalancer-address-in-pool", objs)[0],
            /lies outside the pool "internal" it selects \(IPAddressPool metallb-system\/internal: 10\.0\.20\.0\/28\)/,
        );
    });
    it("honours avoidBuggyIPs", () => {
        assert.strictEqual(
            run("loadbalancer-address-in-pool", [pool(["10.0.10.0/24"], { avoidBuggyIPs: true }), lb({ "metallb.io/loadBalancerIPs": "10.0.10.0" })]).length,
            1,
        );
    });
    it("reports a pool whose serviceAllocation excludes the Service's namespace", () => {
        const objs = [pool(["10.0.10.0/24"], { serviceAllocation: { namespaces: ["shop"] } }), lb({ "metallb.io/loadBalancerIPs": "10.0.10.5" })];
        assert.match(run("loadbalancer-address-in-pool", objs)[0], /whose spec\.serviceAllocation\.namespaces \(shop\) exclude namespace istio-ingress/);
    });
    it("uses externalPools for pools managed elsewhere", () => {
        assert.deepStrictEqual(
            run("loadbalancer-address-in-pool", [pool(["10.0.10.0/28"]), lb({ "metallb.io/loadBalancerIPs": "10.0.30.4" })], {
                externalPools: ["10.0.30.0/24"],
            }),
            [],
        );
    });
    it("stays silent about pools when none is among the resources", () => {
        assert.deepStrictEqual(run("loadbalancer-address-in-pool", [lb({ "metallb.io/loadBalancerIPs": "10.0.30.4" })]), []);
    });
    it("reports a requested address that is not an IP", () => {
        assert.match(
            run("loadbalancer-address-in-pool", [lb({ "metallb.io/loadBalancerIPs": "ingress" })])[0],
            /requests "ingress", which is not an IP address/,
        );
    });
    it("leaves Services of another loadBalancerClass to that implementation, but still guards the VIP", () => {
        const objs = [
            pool(["10.0.10.0/28"]),
            lb({ "kube-vip.io/loadbalancerIPs": "10.0.40.1,10.0.0.10" }, { loadBalancerClass: "kube-vip.io/kube-vip-class" }),
        ];
        assert.deepStrictEqual(
            run("loadbalancer-address-in-pool", objs, { controlPlaneVip: "10.0.0.10" }).map((m) => m.split(";")[0]),
            ['Service istio-ingress/gw: metadata.annotations["kube-vip.io/loadbalancerIPs"] requests 10.0.0.10, the control-plane VIP'],
        );
    });
    it("ignores Services of other types", () => {
        assert.deepStrictEqual(
            run("loadbalancer-address-in-pool", [pool(["10.0.10.0/28"]), service("shop", "web", { type: "ClusterIP", loadBalancerIP: "1.2.3.4" })]),
            [],
        );
    });
});
