import * as assert from "assert";
import { parseTypeToken, toObject, typeTokenOf, UNKNOWN_STRING } from "../../policy-pack/lib/k8s";
import { StackIndex, stackIndex } from "../../policy-pack/lib/stack";
import type { StackValidationPolicy } from "@pulumi/policy";
import { policy, stackArgs } from "./harness";
import { deployment, namespace, virtualService } from "./objects";

describe("Kubernetes objects from Pulumi resources", () => {
    describe("type tokens", () => {
        const cases: [string, string | null][] = [
            ["kubernetes:networking.istio.io/v1:VirtualService", "networking.istio.io/VirtualService"],
            ["kubernetes:networking.istio.io/v1alpha3:VirtualService", "networking.istio.io/VirtualService"],
            ["kubernetes:core/v1:Service", "core/Service"],
            ["kubernetes:apps/v1:Deployment", "apps/Deployment"],
            ["kubernetes:helm.sh/v3:Release", "helm.sh/Release"],
            ["kubernetes:helm.sh/v4:Chart", null],
            ["kubernetes:helm.sh/v3:Chart", null],
            ["kubernetes:yaml/v2:ConfigGroup", null],
            ["kubernetes:kustomize/v2:Directory", null],
            ["pulumi:providers:kubernetes", null],
            ["pulumi:pulumi:Stack", null],
            ["istio-mesh:mesh:ControlPlane", null],
        ];
        for (const [token, gk] of cases) {
            it(`reads ${token} as ${gk ?? "not an object"}`, () => assert.strictEqual(parseTypeToken(token)?.gk ?? null, gk));
        }
        it("builds tokens from manifests (core group for v1)", () => {
            assert.deepStrictEqual(
                [typeTokenOf("v1", "Service"), typeTokenOf("metallb.io/v1beta1", "IPAddressPool")],
                ["kubernetes:core/v1:Service", "kubernetes:metallb.io/v1beta1:IPAddressPool"],
            );
        });
    });

    describe("identity", () => {
        it("defaults the namespace to the provider's, then to default", () => {
            const props = { apiVersion: "v1", kind: "Service", metadata: { name: "web" } };
            assert.strictEqual(
                toObject({ type: "kubernetes:core/v1:Service", props, urn: "u", name: "web", provider: { props: { namespace: "apps" } } })!.namespace,
                "apps",
            );
            assert.strictEqual(toObject({ type: "kubernetes:core/v1:Service", props: { ...props }, urn: "u", name: "web" })!.namespace, "default");
        });
        it("gives cluster-scoped kinds no namespace", () => {
            const props = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", namespace: "ignored" } };
            assert.strictEqual(toObject({ type: "kubernetes:core/v1:Namespace", props, urn: "u", name: "shop" })!.namespace, "");
        });
        it("falls back to the resource name when metadata.name is absent", () => {
            const props = { apiVersion: "v1", kind: "ConfigMap", metadata: {} };
            assert.strictEqual(toObject({ type: "kubernetes:core/v1:ConfigMap", props, urn: "u", name: "settings" })!.name, "settings");
        });
        it("marks objects holding preview-unknown values", () => {
            const props = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: UNKNOWN_STRING } };
            assert.strictEqual(toObject({ type: "kubernetes:core/v1:ConfigMap", props, urn: "u", name: "c" })!.unknown, true);
        });
    });

    describe("a stack with a Helm chart", () => {
        const chart = {
            type: "kubernetes:helm.sh/v4:Chart",
            props: { chart: "istiod", version: "1.30.3", values: { pilot: { replicaCount: 1 } } },
            urn: "urn:chart",
            name: "mesh-istiod",
        };
        const rendered = {
            type: "kubernetes:apps/v1:Deployment",
            props: deployment("istio-system", "istiod", { app: "istiod" }, {}, {}, { app: "istiod" }),
            urn: "urn:istiod",
            name: "istio-system/istiod",
        };
        it("indexes what the chart renders and ignores the chart component", () => {
            const idx = new StackIndex([chart, rendered]);
            assert.deepStrictEqual(
                idx.objects.map((o) => `${o.gk} ${o.namespace}/${o.name}`),
                ["apps/Deployment istio-system/istiod"],
            );
        });
        it("lets stack policies judge rendered objects, attributed to their own URNs", () => {
            const p = policy("istiod-high-availability") as StackValidationPolicy;
            const found: [string, string | undefined][] = [];
            p.validateStack(stackArgs(p, [chart, rendered]), (m: string, urn?: string) => found.push([m.split(";")[0], urn]));
            assert.deepStrictEqual(found, [
                ["Deployment istio-system/istiod: spec.replicas is 1, below 2", "urn:istiod"],
                ["Deployment istio-system/istiod: no PodDisruptionBudget in namespace istio-system selects its pods", "urn:istiod"],
            ]);
        });
    });

    describe("StackIndex", () => {
        const idx = new StackIndex(
            [namespace("shop"), virtualService("shop", "a"), virtualService("shop", "b"), virtualService("blog", "c")].map((o, i) => ({
                type: typeTokenOf(o.apiVersion, o.kind),
                props: o,
                urn: `u${i}`,
                name: o.metadata.name,
            })),
        );
        it("finds by kind", () => assert.strictEqual(idx.of("networking.istio.io/VirtualService").length, 3));
        it("finds by kind and namespace", () =>
            assert.deepStrictEqual(
                idx.in("networking.istio.io/VirtualService", "shop").map((o) => o.name),
                ["a", "b"],
            ));
        it("finds by kind, namespace and name", () => assert.strictEqual(idx.get("core/Namespace", "", "shop")?.name, "shop"));
        it("finds the first of a name declared twice, in short and long lists of a namespace", () => {
            const VS = "networking.istio.io/VirtualService";
            for (const count of [1, 20]) {
                const objects = [...[...Array(count).keys()].map((i) => virtualService("shop", `vs-${i}`)), virtualService("shop", "vs-0")];
                const index = new StackIndex(
                    objects.map((o, i) => ({ type: typeTokenOf(o.apiVersion, o.kind), props: o, urn: `u${i}`, name: o.metadata.name })),
                );
                assert.strictEqual(index.get(VS, "shop", "vs-0")?.urn, "u0", `${count}`);
                assert.strictEqual(index.get(VS, "shop", `vs-${count - 1}`)?.urn, `u${count - 1}`);
                assert.strictEqual(index.get(VS, "shop", "absent"), undefined);
                assert.strictEqual(index.get(VS, "blog", "vs-0"), undefined);
            }
        });
        it("memoises derived indexes", () => {
            let builds = 0;
            idx.memoize("x", () => ++builds);
            idx.memoize("x", () => ++builds);
            assert.strictEqual(builds, 1);
        });
    });

    describe("stackIndex", () => {
        const objs = [namespace("shop"), virtualService("shop", "a")];
        /** A list of resources as the engine hands one stack policy: new wrappers around the same properties. */
        const list = (props: object[]) =>
            props.map((o: any, i) => ({ type: typeTokenOf(o.apiVersion, o.kind), props: o, urn: `u${i}`, name: o.metadata.name }));
        it("shares one index between the lists of each stack policy", () => assert.strictEqual(stackIndex(list(objs)), stackIndex(list(objs))));
        it("builds its own index for a list of other objects", () => assert.notStrictEqual(stackIndex(list(objs)), stackIndex(list(objs.slice(0, 1)))));
    });
});
