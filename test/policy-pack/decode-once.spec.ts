import * as assert from "assert";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { decodeOnce, DeserializeModule } from "../../policy-pack/lib/decode-once";
import { UNKNOWN_STRING } from "../../policy-pack/lib/k8s";
import { policies } from "../../policy-pack/policies";
import { fixture } from "./harness";
import { virtualService } from "./objects";

const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { makeAnalyzeRpcFun, makeAnalyzeStackRpcFun } = require("@pulumi/policy/server");
/** The analyzer's own module, through which its handlers call the decoding function. */
const analyzerDecoding = require("@pulumi/policy/deserialize") as DeserializeModule;

/** A module whose decoding function counts its calls. */
function countingModule(): DeserializeModule & { calls: number } {
    const mod = {
        calls: 0,
        deserializeProperties: (struct: object) => {
            mod.calls++;
            return { ...(struct as Record<string, unknown>) };
        },
    };
    return mod;
}

describe("decodeOnce", () => {
    it("decodes a Struct once, however many policies ask for it", () => {
        const mod = countingModule();
        decodeOnce(mod);
        const struct = { a: 1 };
        const first = mod.deserializeProperties(struct, false);
        assert.strictEqual(mod.deserializeProperties(struct, false), first);
        assert.strictEqual(mod.calls, 1);
    });

    it("decodes each Struct on its own", () => {
        const mod = countingModule();
        decodeOnce(mod);
        assert.deepStrictEqual([mod.deserializeProperties({ a: 1 }, false), mod.deserializeProperties({ a: 2 }, false)], [{ a: 1 }, { a: 2 }]);
    });

    it("decodes anew each call that keeps secrets wrapped", () => {
        const mod = countingModule();
        decodeOnce(mod);
        const struct = { a: 1 };
        mod.deserializeProperties(struct, true);
        mod.deserializeProperties(struct, true);
        assert.strictEqual(mod.calls, 2);
    });

    it("returns what the analyzer's decoding returns", () => {
        const mod = { deserializeProperties: analyzerDecoding.deserializeProperties };
        decodeOnce(mod);
        const struct = Struct.fromJavaScript(virtualService("shop", "web", { hosts: ["web"], gateways: [UNKNOWN_STRING] }));
        assert.deepStrictEqual(mod.deserializeProperties(struct, false), analyzerDecoding.deserializeProperties(struct, false));
    });
});

/** Every object of the pack's fixtures, and one with a value unknown during preview. */
function objects(): Record<string, unknown>[] {
    const all = policies.flatMap((p) => [...fixture(p.name, "violating.yaml"), ...fixture(p.name, "clean.yaml")]);
    return [...all, virtualService("shop", "pending", { hosts: ["pending"], gateways: [UNKNOWN_STRING] })];
}

function resource(Cls: any, obj: any, i: number) {
    const type = `kubernetes:${obj.apiVersion.includes("/") ? obj.apiVersion : `core/${obj.apiVersion}`}:${obj.kind}`;
    return new Cls()
        .setType(type)
        .setProperties(Struct.fromJavaScript(obj))
        .setUrn(`urn:pulumi:test::istio-mesh::${type}::${obj.metadata?.name}-${i}`)
        .setName(String(obj.metadata?.name))
        .setOptions(new pb.AnalyzerResourceOptions());
}

function handle(fn: (call: unknown, callback: (err: unknown, res: any) => void) => void, request: unknown): Promise<string[]> {
    return new Promise((resolve, reject) =>
        fn({ request }, (err, res) =>
            err
                ? reject(err)
                : resolve(res.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} ${d.getEnforcementlevel()} ${d.getUrn()} ${d.getMessage()}`)),
        ),
    );
}

/** The diagnostics of the analyzer's Analyze calls (one per object) and its AnalyzeStack call over the objects. */
async function diagnostics(objs: Record<string, unknown>[]): Promise<string[]> {
    const analyze = makeAnalyzeRpcFun("istio-mesh-guard", "0.1.0", "advisory", policies);
    const analyzeStack = makeAnalyzeStackRpcFun("istio-mesh-guard", "0.1.0", "advisory", policies);
    const out: string[] = [];
    for (const [i, o] of objs.entries()) out.push(...(await handle(analyze, resource(pb.AnalyzeRequest, o, i))));
    out.push(...(await handle(analyzeStack, new pb.AnalyzeStackRequest().setResourcesList(objs.map((o, i) => resource(pb.AnalyzerResource, o, i))))));
    return out;
}

describe("the analyzer with each resource decoded once", function () {
    this.timeout(120000);

    it("reports what it reports when every policy decodes the resource itself, over every fixture", async () => {
        const objs = objects();
        const perPolicy = await diagnostics(objs);
        const original = analyzerDecoding.deserializeProperties;
        try {
            decodeOnce(analyzerDecoding);
            assert.deepStrictEqual(await diagnostics(objs), perPolicy);
        } finally {
            analyzerDecoding.deserializeProperties = original;
        }
    });
});
