/**
 * An upgrade of the program must not replace a running gateway: today's dev and prod stacks, as their stack
 * files were when gateways became a map (issue 19), register the same resources (type, name, URN, parent
 * chain) and the same gateway objects as the program did before. `*.before.json` were written by that
 * earlier program (see snapshot.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runStack } from "../stacks.spec";
import { Snapshot, snapshotOf } from "./snapshot";

/**
 * What later features add to these stacks beside the gateways, every one a new resource (nothing replaced):
 * the Istio CNI node agent (issue 16), the Gateway API ingress component (issue 18), and prod's registry pull
 * secrets, Grafana dashboards and alert rules (issue 22). Anything else new fails the test.
 */
const ADDED: Record<string, string[]> = {
    dev: [
        "urn:pulumi:dev::istio-mesh::istio-mesh:ingress:GatewayApiIngress::gateway-api",
        "urn:pulumi:dev::istio-mesh::istio-mesh:mesh:IstioCni::mesh-cni",
        "urn:pulumi:dev::istio-mesh::istio-mesh:mesh:IstioCni$kubernetes:helm.sh/v4:Chart::mesh-cni-agent",
    ],
    prod: [
        "urn:pulumi:prod::istio-mesh::istio-mesh:ingress:GatewayApiIngress::gateway-api",
        "urn:pulumi:prod::istio-mesh::istio-mesh:ingress:Ingress$kubernetes:core/v1:Secret::ingress-pull-secret",
        "urn:pulumi:prod::istio-mesh::istio-mesh:mesh:ControlPlane$kubernetes:core/v1:Secret::mesh-pull-secret",
        "urn:pulumi:prod::istio-mesh::istio-mesh:mesh:IstioCni::mesh-cni",
        "urn:pulumi:prod::istio-mesh::istio-mesh:mesh:IstioCni$kubernetes:core/v1:Secret::mesh-cni-pull-secret",
        "urn:pulumi:prod::istio-mesh::istio-mesh:mesh:IstioCni$kubernetes:helm.sh/v4:Chart::mesh-cni-agent",
        "urn:pulumi:prod::istio-mesh::istio-mesh:mesh:MeshNamespace$kubernetes:core/v1:Secret::customer-apps-pull-secret",
        "urn:pulumi:prod::istio-mesh::istio-mesh:observability:Observability$kubernetes:core/v1:ConfigMap::observability-istio-mesh-dashboard-istio-mesh-control-plane",
        "urn:pulumi:prod::istio-mesh::istio-mesh:observability:Observability$kubernetes:core/v1:ConfigMap::observability-istio-mesh-dashboard-istio-mesh-gateways",
        "urn:pulumi:prod::istio-mesh::istio-mesh:observability:Observability$kubernetes:core/v1:ConfigMap::observability-istio-mesh-dashboard-istio-mesh-workloads",
        "urn:pulumi:prod::istio-mesh::istio-mesh:observability:Observability$kubernetes:core/v1:Secret::observability-kiali-pull-secret",
        "urn:pulumi:prod::istio-mesh::istio-mesh:observability:Observability$kubernetes:monitoring.coreos.com/v1:PrometheusRule::observability-alerts",
    ],
};

/** The one intended change to running gateways (issue 19): multi-replica gateways spread over nodes and zones. */
const SPREAD_KEYS = ["affinity", "topologySpreadConstraints"];
const SPREAD: Record<string, string[]> = { dev: [], prod: ["ingress-external-chart", "ingress-internal-chart"] };

function chartValues(inputs: Record<string, unknown>): [string, Record<string, unknown>][] {
    return Object.entries(inputs)
        .filter(([urn]) => urn.includes("kubernetes:helm.sh/v4:Chart::"))
        .map(([urn, i]) => [urn, (i as { values: Record<string, unknown> }).values]);
}

function withoutSpread(inputs: Record<string, unknown>): Record<string, unknown> {
    const copy = JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>;
    for (const [, values] of chartValues(copy)) {
        for (const key of SPREAD_KEYS) delete values[key];
    }
    return copy;
}

function spreadCharts(inputs: Record<string, unknown>): string[] {
    return chartValues(inputs)
        .filter(([, v]) => SPREAD_KEYS.every((k) => k in v))
        .map(([urn]) => urn.slice(urn.lastIndexOf("::") + 2))
        .sort();
}

function stored(stack: string): Snapshot {
    return JSON.parse(fs.readFileSync(path.join(__dirname, `${stack}.before.json`), "utf8")) as Snapshot;
}

for (const name of ["dev", "prod"]) {
    describe(`upgrade: the ${name} stack's gateways`, () => {
        let now: Snapshot;
        let then: Snapshot;
        before(async () => {
            now = snapshotOf(await runStack(name));
            then = stored(name);
        });
        it("registers every resource of before under the same URN", () => {
            const urns = new Set(now.resources.map((r) => r.urn));
            assert.deepStrictEqual(
                then.resources.filter((r) => !urns.has(r.urn)).map((r) => r.urn),
                [],
            );
        });
        it("registers no resource before did not, but those later features add", () => {
            const urns = new Set(then.resources.map((r) => r.urn));
            assert.deepStrictEqual(
                now.resources
                    .filter((r) => !urns.has(r.urn))
                    .map((r) => r.urn)
                    .sort(),
                [...ADDED[name]].sort(),
            );
        });
        it("keeps every resource's parent", () => {
            const parents = new Map(then.resources.map((r) => [r.urn, r.parent]));
            assert.deepStrictEqual(
                now.resources.filter((r) => parents.has(r.urn) && parents.get(r.urn) !== r.parent).map((r) => r.urn),
                [],
            );
        });
        it("renders the gateways' objects and chart values as before, but for the spread of multi-replica gateways", () => {
            const existing = Object.fromEntries(Object.entries(withoutSpread(now.ingressInputs)).filter(([urn]) => urn in then.ingressInputs));
            assert.deepStrictEqual(existing, then.ingressInputs);
        });
        it("adds the highly available spread exactly to the gateways that run two or more replicas", () => {
            assert.deepStrictEqual(spreadCharts(now.ingressInputs), SPREAD[name]);
        });
    });
}
