import * as assert from "assert";
import { run } from "./harness";
import { deployment, namespace } from "./objects";

const BASELINE = { "istio-injection": "enabled", "pod-security.kubernetes.io/enforce": "baseline" };
const agent = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "istio-cni-node", namespace: "kube-system", labels: { "k8s-app": "istio-cni-node" } },
    spec: { template: { metadata: {}, spec: { containers: [{ name: "install-cni", image: "docker.io/istio/install-cni:1.30.3" }] } } },
};
const injector = (cni: boolean) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "istio-sidecar-injector", namespace: "istio-system" },
    data: { values: JSON.stringify({ pilot: { cni: { enabled: cni } } }) },
});

describe("pod security policies", () => {
    describe("mesh-namespace-pod-security-cni", () => {
        const policy = "mesh-namespace-pod-security-cni";
        it("reports a baseline mesh namespace without the CNI agent", () =>
            assert.deepStrictEqual(run(policy, [namespace("shop", BASELINE)]), [
                'Namespace shop: enforces Pod Security "baseline" (metadata.labels["pod-security.kubernetes.io/enforce"]) and has sidecar injection, but no Istio CNI node agent (DaemonSet istio-cni-node) is among the resources; injected pods get the istio-init container, which needs NET_ADMIN and NET_RAW, so admission refuses every new pod of this namespace. Install the agent (istio-mesh:istio.cni, on by default), or set cniAgentElsewhere if another stack installs it.',
            ]));
        it("reports an injector that still injects istio-init", () =>
            assert.deepStrictEqual(
                run(policy, [namespace("shop", { ...BASELINE, "pod-security.kubernetes.io/enforce": "restricted" }), agent, injector(false)]),
                [
                    'Namespace shop: enforces Pod Security "restricted" (metadata.labels["pod-security.kubernetes.io/enforce"]) and has sidecar injection, but the sidecar injector ConfigMap istio-system/istio-sidecar-injector does not have pilot.cni.enabled; injected pods get the istio-init container, which needs NET_ADMIN and NET_RAW, so admission refuses every new pod of this namespace. Set cni.enabled: true in istiod\'s values (istio-mesh:istio.cni does).',
                ],
            ));
        it("accepts the agent with an injector on the CNI path", () =>
            assert.deepStrictEqual(run(policy, [namespace("shop", BASELINE), agent, injector(true)]), []));
        it("accepts an agent installed elsewhere when told so", () =>
            assert.deepStrictEqual(run(policy, [namespace("shop", BASELINE)], { cniAgentElsewhere: true }), []));
        it("ignores a privileged namespace", () =>
            assert.deepStrictEqual(run(policy, [namespace("shop", { ...BASELINE, "pod-security.kubernetes.io/enforce": "privileged" })]), []));
        it("ignores a baseline namespace without injection", () =>
            assert.deepStrictEqual(run(policy, [namespace("tools", { "pod-security.kubernetes.io/enforce": "baseline" })]), []));
        it("checks revision-labelled namespaces", () =>
            assert.strictEqual(run(policy, [namespace("shop", { "istio.io/rev": "1-30-3", "pod-security.kubernetes.io/enforce": "baseline" })]).length, 1));
    });

    describe("workload-network-capabilities", () => {
        const policy = "workload-network-capabilities";
        const withCaps = (add: string[], field = "containers") =>
            deployment("shop", "api", { app: "api" }, { [field]: [{ name: "api", image: "x:1", securityContext: { capabilities: { add } } }] });
        it("reports NET_ADMIN in a mesh namespace", () =>
            assert.deepStrictEqual(run(policy, [namespace("shop", { "istio-injection": "enabled" }), withCaps(["NET_ADMIN"])]), [
                "Deployment shop/api: spec.template.spec.containers[0].securityContext.capabilities.add asks for NET_ADMIN in mesh namespace shop; with the Istio CNI node agent no container needs it for the mesh, Pod Security baseline refuses the pod, and a container that can rewrite the pod's iptables can bypass the sidecar's capture (escaping mTLS and AuthorizationPolicy). Remove it; the CNI agent does what istio-init did.",
            ]));
        it("reports NET_RAW written as CAP_NET_RAW in an init container", () =>
            assert.match(
                run(policy, [namespace("shop", { "istio-injection": "enabled" }), withCaps(["CAP_NET_RAW"], "initContainers")])[0],
                /^Deployment shop\/api: spec\.template\.spec\.initContainers\[0\]\.securityContext\.capabilities\.add asks for NET_RAW in mesh namespace shop;/,
            ));
        it("ignores the injector's own containers", () => {
            const d = deployment(
                "shop",
                "api",
                { app: "api" },
                { initContainers: [{ name: "istio-init", image: "x:1", securityContext: { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } } }] },
            );
            assert.deepStrictEqual(run(policy, [namespace("shop", { "istio-injection": "enabled" }), d]), []);
        });
        it("ignores namespaces outside the mesh", () => assert.deepStrictEqual(run(policy, [namespace("shop"), withCaps(["NET_ADMIN"])]), []));
        it("uses injectedNamespaces for namespaces managed elsewhere", () =>
            assert.strictEqual(run(policy, [withCaps(["NET_ADMIN"])], { injectedNamespaces: ["shop"] }).length, 1));
        it("accepts an allowed workload", () =>
            assert.deepStrictEqual(
                run(policy, [namespace("shop", { "istio-injection": "enabled" }), withCaps(["NET_ADMIN"])], { allowedWorkloads: ["shop/api"] }),
                [],
            ));
        it("is advisory", () =>
            assert.strictEqual(require("../../policy-pack/policies").policies.find((p: { name: string }) => p.name === policy).enforcementLevel, "advisory"));
    });
});
