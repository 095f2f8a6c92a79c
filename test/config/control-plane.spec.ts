import * as assert from "assert";
import { checkMeshConfig, parseMeshConfig } from "../../config";

function problems(raw: Record<string, unknown>): string[] {
    return checkMeshConfig(raw).problems.map((p) => `${p.key}: ${p.message}`);
}

describe("config: controlPlane", () => {
    describe("defaults", () => {
        const cp = parseMeshConfig({}).controlPlane;

        it("autoscales istiod from 1 to 5 replicas at 80% CPU", () => assert.deepStrictEqual(cp.scaling, { kind: "autoscale", min: 1, max: 5, targetCpu: 80 }));
        it("requests 500m CPU and 2Gi memory", () => assert.deepStrictEqual(cp.resources, { requests: { cpu: "500m", memory: "2Gi" } }));
        it("has no PodDisruptionBudget with a single minimum replica", () => assert.strictEqual(cp.podDisruptionBudget, false));
        it("prefers spreading istiod over nodes", () => assert.strictEqual(cp.antiAffinity, "preferred"));
        it("adds no raw istiod values", () => assert.deepStrictEqual(cp.values, {}));
        it("adds no raw base values", () => assert.deepStrictEqual(cp.baseValues, {}));
        it("turns the PodDisruptionBudget on from two replicas", () =>
            assert.strictEqual(parseMeshConfig({ controlPlane: { replicas: 2 } }).controlPlane.podDisruptionBudget, true));
        it("defaults autoscale.max to at least autoscale.min", () =>
            assert.deepStrictEqual(parseMeshConfig({ controlPlane: { autoscale: { min: 7 } } }).controlPlane.scaling, {
                kind: "autoscale",
                min: 7,
                max: 7,
                targetCpu: 80,
            }));
    });

    it("reads a fixed replica count", () =>
        assert.deepStrictEqual(parseMeshConfig({ controlPlane: { replicas: 3 } }).controlPlane.scaling, { kind: "fixed", replicas: 3 }));

    describe("bad input", () => {
        it("names a replica count that is not a number", () =>
            assert.deepStrictEqual(problems({ controlPlane: { replicas: "two" } }), ['istio-mesh:controlPlane.replicas: must be an integer >= 1 (got "two")']));
        it("names zero replicas", () =>
            assert.deepStrictEqual(problems({ controlPlane: { replicas: 0 } }), ["istio-mesh:controlPlane.replicas: must be an integer >= 1 (got 0)"]));
        it("refuses replicas together with autoscale", () =>
            assert.deepStrictEqual(problems({ controlPlane: { replicas: 2, autoscale: { min: 2, max: 4 } } }), [
                "istio-mesh:controlPlane.autoscale: replicas and autoscale are mutually exclusive: set a fixed replica count or an autoscaling range",
            ]));
        it("refuses max below min", () =>
            assert.deepStrictEqual(problems({ controlPlane: { autoscale: { min: 3, max: 2 } } }), [
                "istio-mesh:controlPlane.autoscale.max: must be >= autoscale.min (3) (got 2)",
            ]));
        it("refuses a CPU target above 100%", () =>
            assert.deepStrictEqual(problems({ controlPlane: { autoscale: { targetCpu: 150 } } }), [
                "istio-mesh:controlPlane.autoscale.targetCpu: must be an integer from 1 to 100 (got 150)",
            ]));
        it("refuses a PodDisruptionBudget over a single replica", () =>
            assert.deepStrictEqual(problems({ controlPlane: { replicas: 1, podDisruptionBudget: true } }), [
                "istio-mesh:controlPlane.podDisruptionBudget: needs at least 2 istiod replicas: with one replica a PodDisruptionBudget (minAvailable 1) blocks every node drain; raise replicas/autoscale.min or set podDisruptionBudget: false",
            ]));
        it("names a malformed resource quantity", () =>
            assert.deepStrictEqual(problems({ controlPlane: { resources: { requests: { memory: "2 GB" } } } }), [
                'istio-mesh:controlPlane.resources.requests.memory: must be a Kubernetes quantity such as 500m, 2 or 2Gi (got "2 GB")',
            ]));
        it("names an unknown resource kind", () =>
            assert.deepStrictEqual(problems({ controlPlane: { resources: { requests: { "nvidia.com/gpu": "1" } } } }), [
                "istio-mesh:controlPlane.resources.requests.nvidia.com/gpu: unknown key; known keys: cpu, memory",
            ]));
        it("names an unknown anti-affinity mode", () =>
            assert.deepStrictEqual(problems({ controlPlane: { antiAffinity: "hard" } }), [
                'istio-mesh:controlPlane.antiAffinity: must be one of none, preferred, required (got "hard")',
            ]));
        it("refuses values that are not an object", () =>
            assert.deepStrictEqual(problems({ controlPlane: { values: "pilot.replicaCount=2" } }), [
                'istio-mesh:controlPlane.values: must be an object (got "pilot.replicaCount=2")',
            ]));
    });
});
