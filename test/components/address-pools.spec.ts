import * as assert from "assert";
import { poolManifests } from "../../components/address-pools";
import { runProgram, Stack } from "../mocks";

const POOL = { name: "ingress", addresses: ["10.0.10.50-10.0.10.59"], advertisement: "l2" as const, autoAssign: false, manage: true };
const BASE = {
    cluster: { controlPlaneVip: "10.0.0.10", addressPools: [{ name: "ingress", addresses: ["10.0.10.50-10.0.10.59"] }] },
    gateways: { external: { address: "10.0.10.50", hosts: ["app.example.com"] } },
    certificates: { acme: { email: "platform@example.com" } },
};

describe("AddressPools", () => {
    describe("manifests", () => {
        it("announces an L2 pool with an L2Advertisement", () =>
            assert.deepStrictEqual(
                poolManifests(POOL, "metallb-system").map((m) => m.kind),
                ["IPAddressPool", "L2Advertisement"],
            ));
        it("announces a BGP pool with a BGPAdvertisement", () =>
            assert.deepStrictEqual(
                poolManifests({ ...POOL, advertisement: "bgp" }, "metallb-system").map((m) => m.kind),
                ["IPAddressPool", "BGPAdvertisement"],
            ));
        it("announces from every speaker without a node selector", () =>
            assert.deepStrictEqual(poolManifests(POOL, "metallb-system")[1].spec, { ipAddressPools: ["ingress"] }));
        it("announces only from the selected nodes", () =>
            assert.deepStrictEqual(poolManifests({ ...POOL, nodeSelector: { "node-role.kubernetes.io/edge": "" } }, "metallb-system")[1].spec, {
                ipAddressPools: ["ingress"],
                nodeSelectors: [{ matchLabels: { "node-role.kubernetes.io/edge": "" } }],
            }));
        it("announces nothing for advertisement none", () =>
            assert.deepStrictEqual(
                poolManifests({ ...POOL, advertisement: "none" }, "metallb-system").map((m) => m.kind),
                ["IPAddressPool"],
            ));
    });

    describe("in a MetalLB stack", () => {
        let stack: Stack;
        before(async () => {
            stack = await runProgram(BASE);
        });

        it("creates the IPAddressPool in MetalLB's namespace", () =>
            assert.deepStrictEqual(stack.k8s("IPAddressPool", "ingress", "metallb-system").inputs, {
                apiVersion: "metallb.io/v1beta1",
                kind: "IPAddressPool",
                metadata: { name: "ingress", namespace: "metallb-system", labels: { "app.kubernetes.io/managed-by": "istio-mesh" } },
                spec: { addresses: ["10.0.10.50-10.0.10.59"], autoAssign: false },
            }));
        it("advertises the pool over L2", () =>
            assert.deepStrictEqual(stack.k8s("L2Advertisement", "ingress", "metallb-system").inputs.spec, { ipAddressPools: ["ingress"] }));
        it("creates the pool only after the control plane", () =>
            assert.ok(stack.dependencyNames(stack.k8s("IPAddressPool", "ingress")).includes("mesh-istiod")));
        it("pins the gateway's address from that pool", () =>
            assert.deepStrictEqual(stack.get("kubernetes:helm.sh/v4:Chart", "ingress-external-chart").inputs.values.service.annotations, {
                "metallb.io/loadBalancerIPs": "10.0.10.50",
                "metallb.io/address-pool": "ingress",
            }));
    });

    describe("pools the stack does not own", () => {
        it("creates nothing for a pool with manage: false", async () => {
            const stack = await runProgram({ ...BASE, cluster: { addressPools: [{ ...BASE.cluster.addressPools[0], manage: false }] } });
            assert.strictEqual(stack.ofType("kubernetes:metallb.io/v1beta1:IPAddressPool").length, 0);
        });
        it("creates nothing with kube-vip and pins the address with kube-vip's annotation", async () => {
            const stack = await runProgram({ ...BASE, cluster: { ...BASE.cluster, loadBalancer: "kube-vip" } });
            assert.deepStrictEqual(
                [
                    stack.ofType("kubernetes:metallb.io/v1beta1:IPAddressPool").length,
                    stack.get("kubernetes:helm.sh/v4:Chart", "ingress-external-chart").inputs.values.service.annotations,
                ],
                [0, { "kube-vip.io/loadbalancerIPs": "10.0.10.50" }],
            );
        });
    });
});
