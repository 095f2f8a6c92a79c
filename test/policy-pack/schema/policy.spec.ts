import * as assert from "assert";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { policies } from "../../../policy-pack/policies";
import { apiVersionOfToken, schemaConformance } from "../../../policy-pack/policies/schema";
import * as corpus from "./corpus";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Runs the policy on one resource as the engine would, returning the violation messages. */
function check(type: string, props: Record<string, unknown>, preview = false): string[] {
    const messages: string[] = [];
    const args = {
        type,
        props: preview ? unknownCheckingProxy(props) : props,
        urn: `urn:pulumi:dev::istio-mesh::${type}::r`,
        name: "r",
        getConfig: () => ({}),
    } as unknown as ResourceValidationArgs;
    const p = schemaConformance() as ResourceValidationPolicy;
    (p.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args, (m) => messages.push(m));
    return messages;
}

const service = () => JSON.parse(JSON.stringify(corpus.core.find((o) => o.kind === "Service")));
const virtualService = () => JSON.parse(JSON.stringify(corpus.istio.find((o) => o.kind === "VirtualService")));

describe("schema-conformance policy", () => {
    it("is a mandatory resource policy of the pack", () => {
        const p = policies.find((x) => x.name === "schema-conformance");
        assert.ok(p && p.enforcementLevel === "mandatory" && "validateResource" in p);
    });

    it("maps the core group of a type token to apiVersion v1", () => {
        assert.deepStrictEqual([apiVersionOfToken("core", "v1"), apiVersionOfToken("networking.istio.io", "v1")], ["v1", "networking.istio.io/v1"]);
    });

    it("accepts a valid Service", () => {
        assert.deepStrictEqual(check("kubernetes:core/v1:Service", service()), []);
    });

    it("reports a misspelled field of a Service with path, reason and schema location", () => {
        const s = service();
        s.spec.selectr = s.spec.selector;
        assert.deepStrictEqual(
            check("kubernetes:core/v1:Service", s).map((m) => m.split("; known fields")[0]),
            ['spec.selectr: unknown field "selectr"'],
        );
    });

    it("reports timeout: 0s in a VirtualService custom resource", () => {
        const vs = virtualService();
        vs.spec.http[0].timeout = "0s";
        assert.deepStrictEqual(check("kubernetes:networking.istio.io/v1:VirtualService", vs), [
            'spec.http[0].timeout: must be a valid duration greater than 1ms (value: "0s"); cel at virtualservices.networking.istio.io v1: ' +
                "openAPIV3Schema.properties.spec.properties.http.items.properties.timeout.x-kubernetes-validations[0]: duration(self) >= duration('1ms')",
        ]);
    });

    it("skips values unknown during preview, behind the engine's proxy", () => {
        const vs = virtualService();
        vs.spec.hosts = UNKNOWN;
        vs.metadata.name = UNKNOWN;
        assert.deepStrictEqual(check("kubernetes:networking.istio.io/v1:VirtualService", vs, true), []);
    });

    it("does not require metadata.name, which Pulumi generates", () => {
        const s = service();
        delete s.metadata.name;
        assert.deepStrictEqual(check("kubernetes:core/v1:Service", s), []);
    });

    it("reports a value the istiod chart lacks in a Helm chart resource", () => {
        assert.deepStrictEqual(
            check("kubernetes:helm.sh/v4:Chart", {
                chart: "oci://harbor.example.com/istio-charts/istiod",
                version: "1.30.3",
                values: { pilot: { replicaCont: 2 } },
            }),
            ["values.pilot.replicaCont: not a value of chart istiod 1.30.3 (values.yaml has no such key)"],
        );
    });

    it("does not judge chart values of another version or chart, nor unknown values", () => {
        assert.deepStrictEqual(check("kubernetes:helm.sh/v4:Chart", { chart: "istiod", version: "1.31.0", values: { bogus: 1 } }), []);
        assert.deepStrictEqual(check("kubernetes:helm.sh/v3:Release", { chart: "kiali-server", values: { bogus: 1 } }), []);
        assert.deepStrictEqual(check("kubernetes:helm.sh/v4:Chart", { chart: "gateway", values: { service: UNKNOWN, labels: { app: UNKNOWN } } }, true), []);
    });

    it("leaves patches and kinds of unknown API groups alone", () => {
        assert.deepStrictEqual(check("kubernetes:core/v1:ServicePatch", { spec: { bogus: 1 } }), []);
        assert.deepStrictEqual(check("kubernetes:example.com/v1:Widget", { spec: {} }), []);
    });

    it("reports a version an Istio CRD does not serve", () => {
        const [m] = check("kubernetes:networking.istio.io/v1alpha1:VirtualService", virtualService());
        assert.match(m, /^\(object\): networking\.istio\.io\/v1alpha1 does not define VirtualService/);
    });
});
