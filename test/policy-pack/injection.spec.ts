import * as assert from "assert";
import { run } from "./harness";
import { deployment, namespace } from "./objects";

describe("injection policies", () => {
    describe("namespace-injection-labels", () => {
        it("reports both injection labels", () => {
            assert.deepStrictEqual(run("namespace-injection-labels", [namespace("shop", { "istio-injection": "enabled", "istio.io/rev": "1-30-3" })]), [
                "Namespace shop: metadata.labels has both istio-injection=enabled and istio.io/rev=1-30-3; istio-injection wins, so pods get the default revision's proxy (or none) instead of that of revision or tag 1-30-3, which breaks canary upgrades and tag moves. Keep only istio.io/rev.",
            ]);
        });
    });

    describe("workload-injection-opt-out", () => {
        const optOut = deployment("shop", "reviews", { app: "reviews", "sidecar.istio.io/inject": "false" });
        it("reports a pod label opting out in an injected namespace", () => {
            assert.deepStrictEqual(run("workload-injection-opt-out", [namespace("shop", { "istio.io/rev": "1-30-3" }), optOut]), [
                'Deployment shop/reviews: spec.template.metadata.labels["sidecar.istio.io/inject"] is "false" in namespace shop, where injection is enabled; its pods run without a proxy, outside mTLS and AuthorizationPolicy, and STRICT peers refuse their plaintext.',
            ]);
        });
        it("reports an annotation opting out in a CronJob", () => {
            const cron = {
                apiVersion: "batch/v1",
                kind: "CronJob",
                metadata: { name: "report", namespace: "shop" },
                spec: { jobTemplate: { spec: { template: { metadata: { annotations: { "sidecar.istio.io/inject": "false" } }, spec: { containers: [] } } } } },
            };
            assert.match(
                run("workload-injection-opt-out", [namespace("shop", { "istio-injection": "enabled" }), cron])[0],
                /^CronJob shop\/report: spec\.jobTemplate\.spec\.template\.metadata\.annotations\["sidecar\.istio\.io\/inject"\] is "false"/,
            );
        });
        it("uses injectedNamespaces for namespaces managed elsewhere", () => {
            assert.strictEqual(run("workload-injection-opt-out", [optOut], { injectedNamespaces: ["shop"] }).length, 1);
        });
        it("accepts an allowed workload", () => {
            assert.deepStrictEqual(
                run("workload-injection-opt-out", [namespace("shop", { "istio-injection": "enabled" }), optOut], { allowedWorkloads: ["shop/reviews"] }),
                [],
            );
        });
        it("ignores namespaces with injection disabled", () => {
            assert.deepStrictEqual(run("workload-injection-opt-out", [namespace("shop", { "istio-injection": "disabled" }), optOut]), []);
        });
    });

    describe("reserved-proxy-uid", () => {
        it("reports a pod-level UID 1337 inherited by an app container", () => {
            assert.deepStrictEqual(run("reserved-proxy-uid", [deployment("shop", "api", { app: "api" }, { securityContext: { runAsUser: 1337 } })]), [
                "Deployment shop/api: spec.template.spec.securityContext.runAsUser is 1337, so container \"app\" runs as the proxy's UID; its outbound traffic bypasses the sidecar's capture rules, escaping mTLS and policy. Use another UID.",
            ]);
        });
        it("accepts a container that overrides the pod UID", () => {
            const d = deployment(
                "shop",
                "api",
                { app: "api" },
                { securityContext: { runAsUser: 1337 }, containers: [{ name: "app", image: "x:1", securityContext: { runAsUser: 1000 } }] },
            );
            assert.deepStrictEqual(run("reserved-proxy-uid", [d]), []);
        });
        it("checks bare Pods", () => {
            const pod = {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "p", namespace: "shop" },
                spec: { containers: [{ name: "c", securityContext: { runAsUser: 1337 } }] },
            };
            assert.match(run("reserved-proxy-uid", [pod])[0], /^Pod shop\/p: spec\.containers\[0\]\.securityContext\.runAsUser is 1337/);
        });
    });

    describe("traffic-capture-bypass", () => {
        it("reports an excluded outbound port", () => {
            const d = deployment("shop", "api", { app: "api" }, {}, { annotations: { "traffic.sidecar.istio.io/excludeOutboundPorts": "5432" } });
            assert.deepStrictEqual(run("traffic-capture-bypass", [d]), [
                'Deployment shop/api: spec.template.metadata.annotations["traffic.sidecar.istio.io/excludeOutboundPorts"] is "5432"; that traffic bypasses the proxy, so it is neither encrypted by mTLS nor subject to AuthorizationPolicy.',
            ]);
        });
    });
});
