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
            assert.deepStrictEqual(then.resources.filter((r) => !urns.has(r.urn)).map((r) => r.urn), []);
        });
        it("registers no resource before did not", () => {
            const urns = new Set(then.resources.map((r) => r.urn));
            assert.deepStrictEqual(now.resources.filter((r) => !urns.has(r.urn)).map((r) => r.urn), []);
        });
        it("keeps every resource's parent", () => {
            const parents = new Map(then.resources.map((r) => [r.urn, r.parent]));
            assert.deepStrictEqual(
                now.resources.filter((r) => parents.has(r.urn) && parents.get(r.urn) !== r.parent).map((r) => r.urn),
                [],
            );
        });
        it("renders the gateways' objects and chart values as before, but for the spread of multi-replica gateways", () => {
            assert.deepStrictEqual(withoutSpread(now.ingressInputs), then.ingressInputs);
        });
        it("adds the highly available spread exactly to the gateways that run two or more replicas", () => {
            assert.deepStrictEqual(spreadCharts(now.ingressInputs), SPREAD[name]);
        });
    });
}

