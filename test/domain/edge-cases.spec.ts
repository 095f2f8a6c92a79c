/**
 * Every consumer of a domain value reads the edge-case table the same way: domain/ itself, the program's
 * config reader (no problem on the key), the policies' readers and the schema validator's formats.
 */
import * as assert from "assert";
import { checkMeshConfig } from "../../config";
import * as domain from "../../domain";
import { parseDuration as policyDuration } from "../../policy-pack/lib/duration";
import { parseIp as policyIp, parseRange as policyRange } from "../../policy-pack/lib/ip";
import { checkStringFormat, isQuantity as schemaQuantity, labelValue as schemaLabelValue, qualifiedName } from "../../policy-pack/schema/formats";
import { EDGE_CASES, Kind } from "./edge-cases";

type Reader = (text: string) => boolean;

/** Whether the config reader accepts `text` in a stack config built by `raw`: no problem under `key`. */
function configAccepts(raw: Record<string, unknown>, key: string): boolean {
    return !checkMeshConfig(raw).problems.some((p) => p.key.startsWith(`istio-mesh:${key}`));
}

const CONSUMERS: Record<string, Partial<Record<Kind, Reader>>> = {
    domain: {
        ip: domain.isIp,
        poolEntry: (t) => "range" in domain.parsePoolEntry(t),
        quantity: domain.isQuantity,
        duration: domain.isDuration,
        host: (t) => domain.isDnsName(t),
        wildcardHost: (t) => domain.isDnsName(t, { wildcard: true }),
        labelKey: domain.isLabelKey,
        labelValue: domain.isLabelValue,
        version: domain.isVersion,
    },
    config: {
        ip: (t) => configAccepts({ cluster: { controlPlaneVip: t } }, "cluster.controlPlaneVip"),
        poolEntry: (t) => configAccepts({ cluster: { addressPools: [{ name: "p", addresses: [t] }] } }, "cluster.addressPools[0].addresses"),
        quantity: (t) => configAccepts({ controlPlane: { resources: { requests: { memory: t } } } }, "controlPlane.resources"),
        duration: (t) => configAccepts({ namespaces: { shop: { services: { reviews: { outlierDetection: { interval: t } } } } } }, "namespaces.shop.services"),
        host: (t) => configAccepts({ gateways: { external: { hosts: [t] } } }, "gateways.external.hosts"),
        wildcardHost: (t) => configAccepts({ gateways: { internal: { hosts: [t] } } }, "gateways.internal.hosts"),
        labelKey: (t) => configAccepts({ namespaces: { shop: { labels: { [t]: "x" } } } }, "namespaces.shop.labels"),
        labelValue: (t) => configAccepts({ namespaces: { shop: { labels: { team: t } } } }, "namespaces.shop.labels"),
        version: (t) => configAccepts({ istio: { version: t } }, "istio.version"),
    },
    policy: {
        ip: (t) => policyIp(t) !== undefined,
        poolEntry: (t) => policyRange(t) !== undefined,
        duration: (t) => policyDuration(t) !== undefined,
    },
    schema: {
        ip: (t) => checkStringFormat("ipv4", t) === undefined || checkStringFormat("ipv6", t) === undefined,
        quantity: schemaQuantity,
        labelKey: (t) => qualifiedName(t) === undefined,
        labelValue: (t) => schemaLabelValue(t) === undefined,
    },
};

describe("domain edge cases", () => {
    for (const [consumer, readers] of Object.entries(CONSUMERS)) {
        describe(consumer, () => {
            for (const c of EDGE_CASES) {
                const read = readers[c.kind];
                if (!read) continue;
                it(`${c.valid ? "accepts" : "refuses"} ${c.kind} ${JSON.stringify(c.text)} (${c.why})`, () => assert.strictEqual(read(c.text), c.valid));
            }
        });
    }
    it("covers every kind in domain and config", () => {
        const kinds = new Set(EDGE_CASES.map((c) => c.kind));
        assert.deepStrictEqual(
            [...kinds].filter((k) => !CONSUMERS.domain[k] || !CONSUMERS.config[k]),
            [],
        );
    });
});
