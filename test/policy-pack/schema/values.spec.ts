import * as assert from "assert";
import * as path from "path";
import { istioChartsDir } from "../../../policy-pack/schema/crds";
import { validateJsonSchema } from "../../../policy-pack/schema/json-schema";
import { checkChartValues, FREE_FORM, loadChart } from "../../../policy-pack/schema/values";

const chart = (name: string) => path.join(istioChartsDir(), name);

describe("Helm values conformance: istiod", () => {
    it("accepts values the chart has, free-form subtrees and template-read keys", () => {
        assert.deepStrictEqual(
            checkChartValues(chart("istiod"), {
                replicaCount: 2,
                autoscaleEnabled: false,
                revision: "",
                profile: "ambient",
                meshConfig: { accessLogFile: "/dev/stdout", defaultConfig: { holdApplicationUntilProxyStarts: true } },
                resources: { requests: { cpu: "500m" }, limits: { memory: "2Gi" } },
                nodeSelector: { "node-role.kubernetes.io/infra": "" },
                podAnnotations: { a: "b" },
                env: { PILOT_TRACE_SAMPLING: "1" },
                global: { hub: "docker.io/istio", tag: "1.30.3", proxy: { resources: { limits: { cpu: "1" } } }, logAsJson: true },
            }),
            [],
        );
    });

    it("ignores fields a TypeScript builder left undefined", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { revision: undefined, sidecarInjectorWebhook: undefined }), []);
    });

    it("names a misspelled value under the pilot alias", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { pilot: { replicaCont: 2 } }), [
            "pilot.replicaCont: not a value of chart istiod 1.30.3 (values.yaml has no such key)",
        ]);
    });

    it("accepts real values under the pilot alias", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { pilot: { replicaCount: 2, env: { A: "1" } } }), []);
    });

    it("names a nested path the chart lacks", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { global: { proxy: { autoInjct: "enabled" } } }), [
            "global.proxy.autoInjct: not a value of chart istiod 1.30.3 (values.yaml has no such key)",
        ]);
    });

    it("reports a scalar where the chart has a map", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { sidecarInjectorWebhook: true }), [
            "sidecarInjectorWebhook: must be a map in chart istiod 1.30.3 (values.yaml has keys " +
                `${Object.keys(loadChart(chart("istiod")).defaults.sidecarInjectorWebhook as object).join(", ")} here)`,
        ]);
    });

    it("refuses _internal_defaults_do_not_set", () => {
        assert.deepStrictEqual(checkChartValues(chart("istiod"), { _internal_defaults_do_not_set: { replicaCount: 1 } }), [
            "_internal_defaults_do_not_set: never set this key in chart istiod 1.30.3; set the fields under it directly (the chart fails or ignores them)",
        ]);
    });
});

describe("Helm values conformance: base and gateway", () => {
    it("accepts base values", () => {
        assert.deepStrictEqual(checkChartValues(chart("base"), { defaultRevision: "default", base: { enableIstioConfigCRDs: true } }), []);
    });

    it("names a base value the chart lacks", () => {
        assert.deepStrictEqual(checkChartValues(chart("base"), { base: { enableCRDTemplate: true } }), [
            "base.enableCRDTemplate: not a value of chart base 1.30.3 (values.yaml has no such key)",
        ]);
    });

    it("accepts gateway values that pass values.schema.json", () => {
        assert.deepStrictEqual(
            checkChartValues(chart("gateway"), {
                name: "istio-ingressgateway",
                labels: { istio: "ingressgateway", app: "gw" },
                replicaCount: 2,
                service: {
                    type: "LoadBalancer",
                    loadBalancerIP: "192.168.10.240",
                    annotations: { "metallb.io/address-pool": "mesh" },
                    ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }],
                },
                autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4 },
                podDisruptionBudget: { minAvailable: 1 },
            }),
            [],
        );
    });

    it("reports gateway values that fail values.schema.json", () => {
        assert.deepStrictEqual(checkChartValues(chart("gateway"), { kind: "StatefulSet" }), [
            'kind: must be one of "Deployment", "DaemonSet" (value: "StatefulSet") (values.schema.json of chart gateway 1.30.3)',
        ]);
    });

    it("reports a gateway key the chart lacks from values.yaml and from values.schema.json", () => {
        assert.deepStrictEqual(checkChartValues(chart("gateway"), { servce: { type: "NodePort" } }), [
            "servce: not a value of chart gateway 1.30.3 (values.yaml has no such key)",
            "servce: additional property not allowed by the chart's values.schema.json (values.schema.json of chart gateway 1.30.3)",
        ]);
    });
});

describe("Helm values conformance: the free-form list", () => {
    for (const [name, entries] of Object.entries(FREE_FORM)) {
        for (const p of Object.keys(entries)) {
            it(`${name}: ${p} is a map with defaults in values.yaml (else the entry is stale)`, () => {
                let node: unknown = loadChart(chart(name)).defaults;
                for (const k of p.split(".")) node = (node as Record<string, unknown> | undefined)?.[k];
                assert.ok(node && typeof node === "object" && Object.keys(node).length > 0, `${name} ${p}`);
            });
        }
    }
});

describe("values.schema.json subset", () => {
    const root = { $defs: { v: { type: "object", additionalProperties: false, properties: { n: { type: ["integer", "null"] } } } }, $ref: "#/$defs/v" };

    it("follows $ref and accepts a type from a list", () => {
        assert.deepStrictEqual(validateJsonSchema(root, { n: null }), []);
    });

    it("reports a type outside the list", () => {
        assert.deepStrictEqual(validateJsonSchema(root, { n: "1" }), ["n: must be of type integer or null, not string"]);
    });
});
