import * as assert from "assert";
import { run } from "./harness";
import { deployment, hpa, pdb } from "./objects";

const istiod = (replicas?: number) => {
    const d = deployment("istio-system", "istiod", { app: "istiod", istio: "pilot" }, {}, {}, { app: "istiod" });
    if (replicas !== undefined) d.spec.replicas = replicas;
    return d;
};
const budget = pdb("istio-system", "istiod", { minAvailable: 1, selector: { matchLabels: { app: "istiod", istio: "pilot" } } });

describe("control-plane policies", () => {
    describe("istiod-high-availability", () => {
        it("reports a single replica (replicas defaults to 1)", () => {
            assert.deepStrictEqual(run("istiod-high-availability", [istiod(), budget]), [
                "Deployment istio-system/istiod: spec.replicas is 1, below 2; the sidecar injection webhook fails closed, so while the only istiod restarts or its node drains no pod can be created in injected namespaces.",
            ]);
        });
        it("reads the HPA minimum when an HPA scales istiod", () => {
            const h = hpa("istio-system", "istiod", { minReplicas: 1, maxReplicas: 5, scaleTargetRef: { kind: "Deployment", name: "istiod" } });
            assert.match(
                run("istiod-high-availability", [istiod(3), h, budget])[0],
                /HorizontalPodAutoscaler istio-system\/istiod spec\.minReplicas is 1, below 2/,
            );
        });
        it("reports a missing PodDisruptionBudget", () => {
            assert.deepStrictEqual(run("istiod-high-availability", [istiod(2)]), [
                "Deployment istio-system/istiod: no PodDisruptionBudget in namespace istio-system selects its pods; a node drain may evict every istiod replica at once, stopping certificate issuance and pod creation.",
            ]);
        });
        it("honours minReplicas", () => {
            assert.deepStrictEqual(run("istiod-high-availability", [istiod(2), budget], { minReplicas: 3 }).length, 1);
        });
    });

    describe("image-pinned", () => {
        it("reports an image without tag, with a registry port", () => {
            const d = deployment("shop", "api", { app: "api" }, { containers: [{ name: "api", image: "registry.example.com:5000/api" }] });
            assert.deepStrictEqual(run("image-pinned", [d]), [
                'Deployment shop/api: spec.template.spec.containers[0].image "registry.example.com:5000/api" has no tag (so latest); each node may pull a different build, so rollouts are not reproducible and a registry change reaches production unreviewed.',
            ]);
        });
        it("reports latest", () => {
            const d = deployment("shop", "api", { app: "api" }, { containers: [{ name: "api", image: "api:latest" }] });
            assert.match(run("image-pinned", [d])[0], /uses the tag latest/);
        });
        it("requires digests when configured", () => {
            assert.match(run("image-pinned", [deployment("shop", "api", { app: "api" })], { requireDigest: true })[0], /has no @sha256 digest/);
        });
    });

    describe("helm-release-version-pinned", () => {
        it("reports a version range", () => {
            const rel = {
                apiVersion: "helm.sh/v3",
                kind: "Release",
                metadata: { name: "cm" },
                name: "cert-manager",
                namespace: "cert-manager",
                chart: "cert-manager",
                version: "~1.21",
            };
            assert.deepStrictEqual(run("helm-release-version-pinned", [rel]), [
                'Release cert-manager/cert-manager: version is "~1.21", a range; the next preview may install a newer chart than the one reviewed. Pin an exact version.',
            ]);
        });
    });
});
