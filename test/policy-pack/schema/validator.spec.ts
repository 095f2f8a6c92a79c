import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SchemaValidator } from "../../../policy-pack/schema";
import { crdSources, istioChartsDir } from "../../../policy-pack/schema/crds";
import * as corpus from "./corpus";

const v = new SchemaValidator();
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const byKind = (kind: string) => {
    const o = corpus.all.find((x) => x.kind === kind);
    if (!o) throw new Error(`no ${kind} in the corpus`);
    return clone(o);
};
/** The findings of an object as [path, rule, message]. */
const brief = (o: unknown) => v.validate(o).map((f) => [f.path, f.rule, f.message]);

describe("schema validator: valid corpus", () => {
    for (const o of corpus.all) {
        it(`accepts ${o.apiVersion} ${o.kind}`, () => {
            assert.deepStrictEqual(v.validate(o), []);
        });
    }

    it("covers every Istio v1 kind, the add-on kinds and the core kinds", () => {
        const kinds = new Set(corpus.all.map((o) => o.kind));
        for (const k of [
            "Gateway",
            "VirtualService",
            "DestinationRule",
            "ServiceEntry",
            "Sidecar",
            "WorkloadEntry",
            "PeerAuthentication",
            "AuthorizationPolicy",
            "RequestAuthentication",
            "Telemetry",
            "Certificate",
            "ClusterIssuer",
            "IPAddressPool",
            "L2Advertisement",
            "BGPAdvertisement",
            "ServiceMonitor",
            "PodMonitor",
            "Namespace",
            "Secret",
            "ConfigMap",
            "Service",
            "Deployment",
            "ServiceAccount",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "ValidatingWebhookConfiguration",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
        ]) {
            assert.ok(kinds.has(k), k);
        }
    });
});

describe("schema validator: known-bad objects", () => {
    it("reports a misspelled field in a VirtualService route", () => {
        const vs = byKind("VirtualService");
        vs.spec.http[0].retires = vs.spec.http[0].retries;
        delete vs.spec.http[0].retries;
        const [f] = v.validate(vs);
        assert.strictEqual(f.path, "spec.http[0].retires");
        assert.strictEqual(f.rule, "unknown-field");
        assert.match(f.message, /^unknown field "retires"; known fields: corsPolicy, delegate, .*retries, rewrite, route, timeout$/);
        assert.strictEqual(f.location, "virtualservices.networking.istio.io v1: openAPIV3Schema.properties.spec.properties.http.items.properties");
        assert.deepStrictEqual(f.resource, { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "shop" });
    });

    it("reports a wrong enum in a Certificate", () => {
        const c = byKind("Certificate");
        c.spec.privateKey.algorithm = "RSB";
        assert.deepStrictEqual(v.validate(c), [
            {
                resource: { apiVersion: "cert-manager.io/v1", kind: "Certificate", namespace: "istio-ingress", name: "shop-tls" },
                path: "spec.privateKey.algorithm",
                rule: "enum",
                location: "certificates.cert-manager.io v1: openAPIV3Schema.properties.spec.properties.privateKey.properties.algorithm.enum",
                message: 'must be one of "RSA", "ECDSA", "Ed25519"',
                value: "RSB",
            },
        ]);
    });

    it("reports timeout: 0s in a VirtualService with the CRD's CEL rule and message", () => {
        const vs = byKind("VirtualService");
        vs.spec.http[0].timeout = "0s";
        assert.deepStrictEqual(v.validate(vs), [
            {
                resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "shop" },
                path: "spec.http[0].timeout",
                rule: "cel",
                location:
                    "virtualservices.networking.istio.io v1: openAPIV3Schema.properties.spec.properties.http.items.properties.timeout.x-kubernetes-validations[0]: duration(self) >= duration('1ms')",
                message: "must be a valid duration greater than 1ms",
                value: "0s",
            },
        ]);
    });

    it("reports mutually exclusive load balancer settings in a DestinationRule", () => {
        const dr = byKind("DestinationRule");
        dr.spec.trafficPolicy.loadBalancer.consistentHash = { httpHeaderName: "x-user" };
        assert.deepStrictEqual(brief(dr), [
            ["spec.trafficPolicy.loadBalancer", "oneOf", "fields simple, consistentHash are mutually exclusive: set at most one (oneOf)"],
        ]);
    });

    it("reports mutually exclusive CEL-checked fields in a ServiceEntry", () => {
        const se = byKind("ServiceEntry");
        se.spec.workloadSelector = { labels: { app: "x" } };
        se.spec.endpoints = [{ address: "10.0.0.1" }];
        assert.deepStrictEqual(brief(se), [["spec", "cel", "only one of WorkloadSelector or Endpoints can be set"]]);
    });

    it("reports a missing required field", () => {
        const dr = byKind("DestinationRule");
        delete dr.spec.host;
        assert.deepStrictEqual(brief(dr), [["spec.host", "required", "required field host is missing"]]);
    });

    it("reports a missing required field of a built-in kind", () => {
        const d = byKind("Deployment");
        delete d.spec.selector;
        assert.deepStrictEqual(brief(d), [["spec.selector", "required", "required field selector is missing"]]);
    });

    it("accepts an int-or-string as a string or an integer", () => {
        const d = byKind("Deployment");
        d.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: "10%" };
        assert.deepStrictEqual(v.validate(d), []);
    });

    it("reports an int-or-string that is neither", () => {
        const d = byKind("Deployment");
        d.spec.strategy.rollingUpdate.maxSurge = true;
        assert.deepStrictEqual(brief(d), [
            ["spec.strategy.rollingUpdate.maxSurge", "x-kubernetes-int-or-string", "must be an integer or a string, not boolean"],
        ]);
    });

    it("reports a wrong type", () => {
        const vs = byKind("VirtualService");
        vs.spec.hosts = "shop.example.com";
        assert.deepStrictEqual(brief(vs), [["spec.hosts", "type", "must be of type array, not string"]]);
    });

    it("reports null where a custom resource's field is not nullable, as the API server does", () => {
        const dr = byKind("DestinationRule");
        dr.spec.host = null;
        assert.deepStrictEqual(brief(dr), [["spec.host", "type", "must be of type string, not null"]]);
    });

    it("reports a null list item", () => {
        const ap = byKind("AuthorizationPolicy");
        ap.spec.rules.push(null);
        assert.deepStrictEqual(brief(ap), [["spec.rules[1]", "type", "must be of type object, not null"]]);
    });

    it("treats null in a built-in kind as absent, as Go decoding does", () => {
        const s = byKind("Service");
        s.spec.type = null;
        assert.deepStrictEqual(v.validate(s), []);
    });

    it("reports a port out of range with the CRD's message", () => {
        const se = byKind("ServiceEntry");
        se.spec.ports[0].number = 70000;
        assert.deepStrictEqual(brief(se), [["spec.ports[0].number", "cel", "port must be between 1-65535"]]);
    });

    it("reports a typo in a built-in kind and a wrong Service type", () => {
        const s = byKind("Service");
        s.spec.type = "LoadBalancr";
        s.spec.selectr = s.spec.selector;
        const found = brief(s);
        assert.deepStrictEqual(
            found.map((f) => f.slice(0, 2)),
            [
                ["spec.type", "enum"],
                ["spec.selectr", "unknown-field"],
            ],
        );
    });

    it("reports Secret data that is not base64", () => {
        const secret = byKind("Secret");
        secret.data.user = "shop!";
        assert.deepStrictEqual(brief(secret), [["data[user]", "format", "must be base64-encoded (format byte)"]]);
    });

    it("accepts quantities as numbers wherever Kubernetes takes a quantity", () => {
        const hpa = byKind("HorizontalPodAutoscaler");
        hpa.spec.metrics.push({ type: "Pods", pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: 100 } } });
        const d = byKind("Deployment");
        d.spec.template.spec.containers[0].env = [{ name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: 1 } } }];
        assert.deepStrictEqual([...v.validate(hpa), ...v.validate(d)], []);
    });

    it("reports a bad resource quantity", () => {
        const d = byKind("Deployment");
        d.spec.template.spec.containers[0].resources.limits.memory = "256MB";
        assert.deepStrictEqual(brief(d), [
            ["spec.template.spec.containers[0].resources.limits[memory]", "quantity", "must be a quantity, e.g. 500m, 128Mi, 2"],
        ]);
    });

    it("reports an invalid object name and label", () => {
        const ns = byKind("Namespace");
        ns.metadata.name = "Shop_Prod";
        ns.metadata.labels["istio.io/rev"] = "-bad-";
        assert.deepStrictEqual(
            brief(ns).map((f) => f[0]),
            ["metadata.name", "metadata.labels[istio.io/rev]"],
        );
    });

    it("reports annotations over 256 KiB in all, counted in UTF-8 bytes", () => {
        const cm = byKind("ConfigMap");
        cm.metadata.annotations = { "a.example.com/one": "é".repeat(65536), "a.example.com/two": "x".repeat(131072) };
        assert.deepStrictEqual(brief(cm), [["metadata.annotations", "metadata", "annotations total 262178 bytes; must be at most 256 KiB"]]);
    });

    it("puts no size limit on labels", () => {
        const cm = byKind("ConfigMap");
        cm.metadata.labels = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`l${i}`, "v".repeat(60)]));
        assert.deepStrictEqual(brief(cm), []);
    });

    it("reports a namespace on a cluster-scoped kind", () => {
        const ci = byKind("ClusterIssuer");
        ci.metadata.namespace = "cert-manager";
        assert.deepStrictEqual(brief(ci), [["metadata.namespace", "metadata", "ClusterIssuer is cluster-scoped and takes no namespace"]]);
    });

    it("reports a version the CRD does not define, naming the versions it does", () => {
        const vs = byKind("VirtualService");
        vs.apiVersion = "networking.istio.io/v1alpha1";
        assert.deepStrictEqual(brief(vs), [
            [
                "",
                "unknown-kind",
                "networking.istio.io/v1alpha1 does not define VirtualService; the CRD defines networking.istio.io/v1, networking.istio.io/v1alpha3, networking.istio.io/v1beta1",
            ],
        ]);
    });

    it("reports a kind nobody defines unless told to ignore it", () => {
        const o = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
        assert.strictEqual(v.validate(o)[0].rule, "unknown-kind");
        assert.deepStrictEqual(v.validate(o, { ignoreMissingSchemas: true }), []);
        assert.deepStrictEqual(v.validate(o, { ignoreUnknownGroups: true }), []);
    });
});

describe("schema validator: preview unknowns and defaults", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const isUnknown = (x: unknown) => x === UNKNOWN;

    it("skips values unknown during preview instead of guessing", () => {
        const vs = byKind("VirtualService");
        vs.spec.http[0].timeout = UNKNOWN;
        vs.spec.hosts = UNKNOWN;
        assert.deepStrictEqual(v.validate(vs, { isUnknown }), []);
    });

    it("still reports known values next to unknown ones", () => {
        const vs = byKind("VirtualService");
        vs.spec.hosts = UNKNOWN;
        vs.spec.http[0].timeout = "0s";
        assert.deepStrictEqual(
            v.validate(vs, { isUnknown }).map((f) => f.path),
            ["spec.http[0].timeout"],
        );
    });

    it("skips a CEL rule over an object with an unknown inside", () => {
        const se = byKind("ServiceEntry");
        se.spec.resolution = "DNS_ROUND_ROBIN";
        se.spec.endpoints = [{ address: UNKNOWN }, { address: UNKNOWN }];
        assert.deepStrictEqual(
            brief(se).map((f) => f[2]),
            ["DNS_ROUND_ROBIN mode cannot have multiple endpoints"],
        );
        se.spec.endpoints = UNKNOWN;
        assert.deepStrictEqual(v.validate(se, { isUnknown }), []);
    });

    it("applies defaults of list items before a rule over the list runs (HTTPRoute rules without matches)", () => {
        const route = {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: "redirect", namespace: "istio-ingress" },
            spec: {
                parentRefs: [{ name: "edge" }],
                rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
            },
        };
        assert.deepStrictEqual(brief(route), []);
    });

    it("validates Gateway API objects with their CEL rules", () => {
        const gw = {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: "edge", namespace: "istio-ingress" },
            spec: { gatewayClassName: "istio", listeners: [{ name: "https", port: 443, protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [] } }] },
        };
        assert.deepStrictEqual(
            brief(gw).map((f) => f[2]),
            ["certificateRefs or options must be specified when mode is Terminate (evaluation error: field not found: options)"],
        );
    });

    it("does not require metadata.name where names are generated", () => {
        const cm = byKind("ConfigMap");
        delete cm.metadata.name;
        assert.deepStrictEqual(brief(cm), [["metadata.name", "required", "metadata.name is required (or metadata.generateName)"]]);
        assert.deepStrictEqual(v.validate(cm, { requireName: false }), []);
    });
});

describe("schema validator: configurable schema sources", () => {
    it("reads the Istio CRDs from ISTIO_MESH_CHARTS and extra CRD directories from ISTIO_MESH_CRDS", () => {
        const sources = crdSources({ ISTIO_MESH_SHARED: "/s", ISTIO_MESH_CRDS: "/a:/b" });
        assert.deepStrictEqual(sources.slice(0, 1), ["/s/istio-charts/1.30.3/base/files/crd-all.gen.yaml"]);
        assert.deepStrictEqual(sources.slice(-2), ["/a", "/b"]);
        assert.strictEqual(istioChartsDir({ ISTIO_MESH_CHARTS: "/c" }), "/c");
    });

    it("lets a later CRD set replace a group's kinds, so dropped fields show at once", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        fs.writeFileSync(
            path.join(dir, "pool.yaml"),
            [
                "apiVersion: apiextensions.k8s.io/v1",
                "kind: CustomResourceDefinition",
                "metadata: {name: ipaddresspools.metallb.io}",
                "spec:",
                "  group: metallb.io",
                "  scope: Namespaced",
                "  names: {kind: IPAddressPool, plural: ipaddresspools}",
                "  versions:",
                "  - name: v1beta1",
                "    served: true",
                "    storage: true",
                "    schema:",
                "      openAPIV3Schema:",
                "        type: object",
                "        properties:",
                "          spec:",
                "            type: object",
                "            properties: {addresses: {type: array, items: {type: string}}}",
            ].join("\n"),
        );
        const upgraded = new SchemaValidator({ crdSources: [...crdSources(), dir] });
        const pool = byKind("IPAddressPool");
        assert.deepStrictEqual(
            upgraded.validate(pool).map((f) => [f.path, f.rule]),
            [["spec.autoAssign", "unknown-field"]],
        );
        fs.rmSync(dir, { recursive: true });
    });

    it("runs rules on the root of a CRD over the whole object, metadata included", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        fs.writeFileSync(
            path.join(dir, "widget.yaml"),
            [
                "apiVersion: apiextensions.k8s.io/v1",
                "kind: CustomResourceDefinition",
                "metadata: {name: widgets.example.com}",
                "spec:",
                "  group: example.com",
                "  scope: Namespaced",
                "  names: {kind: Widget, plural: widgets}",
                "  versions:",
                "  - name: v1",
                "    served: true",
                "    storage: true",
                "    schema:",
                "      openAPIV3Schema:",
                "        type: object",
                "        x-kubernetes-validations:",
                "        - {rule: \"self.metadata.name.startsWith('w-')\", message: name must start with w-}",
                "        properties:",
                "          spec: {type: object, properties: {size: {type: integer}}}",
            ].join("\n"),
        );
        const withWidgets = new SchemaValidator({ crdSources: [dir] });
        const widget = (name: string) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec: { size: 1 } });
        assert.deepStrictEqual(withWidgets.validate(widget("w-1")), []);
        assert.deepStrictEqual(
            withWidgets.validate(widget("x-1")).map((f) => [f.path, f.message]),
            [["", "name must start with w-"]],
        );
        fs.rmSync(dir, { recursive: true });
    });
});
