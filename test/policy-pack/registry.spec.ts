import * as assert from "assert";
import { imageRegistry } from "../../policy-pack/lib/images";
import { run } from "./harness";
import { deployment, namespace } from "./objects";

const POLICY = "air-gapped-image-registry";
const controlPlane = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "istio-system", labels: {}, annotations: { "istio-mesh/air-gapped-hub": "harbor.example.com/istio" } },
};
const app = (image: string, ns = "shop") => deployment(ns, "web", { app: "web" }, { containers: [{ name: "web", image }] });

describe("registry policies", () => {
    describe("air-gapped-image-registry", () => {
        it("reports a mesh workload pulling from another registry", () =>
            assert.deepStrictEqual(run(POLICY, [controlPlane, namespace("shop", { "istio-injection": "enabled" }), app("docker.io/library/nginx:1.27")]), [
                'Deployment shop/web: spec.template.spec.containers[0].image "docker.io/library/nginx:1.27" is pulled from docker.io, but this stack is air-gapped with hub harbor.example.com/istio; ' +
                    "the node cannot reach docker.io, so the pod never starts. Mirror the image into harbor.example.com and reference it there.",
            ]));
        it("counts an image without a registry as Docker Hub's", () =>
            assert.strictEqual(run(POLICY, [controlPlane, namespace("shop", { "istio-injection": "enabled" }), app("nginx:1.27")]).length, 1));
        it("accepts any project of the hub's registry", () =>
            assert.deepStrictEqual(
                run(POLICY, [controlPlane, namespace("shop", { "istio-injection": "enabled" }), app("harbor.example.com/apps/web:1.0.0")]),
                [],
            ));
        it("accepts the gateway chart's image: auto", () =>
            assert.deepStrictEqual(run(POLICY, [controlPlane, namespace("shop", { "istio-injection": "enabled" }), app("auto")]), []));
        it("ignores namespaces outside the mesh", () =>
            assert.deepStrictEqual(run(POLICY, [controlPlane, namespace("shop"), app("docker.io/library/nginx:1.27")]), []));
        it("checks nothing when the stack is not air-gapped", () =>
            assert.deepStrictEqual(run(POLICY, [namespace("shop", { "istio-injection": "enabled" }), app("docker.io/library/nginx:1.27")]), []));
        it("takes the hub from its config, for manifests without the control-plane namespace", () =>
            assert.strictEqual(run(POLICY, [app("quay.io/x/y:1")], { hub: "harbor.example.com/istio", injectedNamespaces: ["shop"] }).length, 1));
        it("is advisory", () => assert.strictEqual(require("./harness").policy(POLICY).enforcementLevel, "advisory"));
    });

    describe("image registries", () => {
        for (const [image, registry] of [
            ["nginx", "docker.io"],
            ["bitnami/redis:7", "docker.io"],
            ["quay.io/kiali/kiali:v2.29.0", "quay.io"],
            ["localhost/x:1", "localhost"],
            ["registry.local:5000/x/y@sha256:abc", "registry.local:5000"],
        ]) {
            it(`reads ${image} as from ${registry}`, () => assert.strictEqual(imageRegistry(image), registry));
        }
    });
});
