import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareNames, preloadCrds, readDocuments, withoutDescriptions } from "../../policy-pack/schema/crds";
import { SchemaNode } from "../../policy-pack/schema/types";
import { FIXTURES } from "./harness";

const ROOT = path.join(__dirname, "..", "..");
const GUARD = path.join(ROOT, "policy-pack", "checker", "guard.js");
// A snapshot of the tests' own, so rebuilding and removing it does not disturb other runs of the checker.
const DIR = fs.mkdtempSync(path.join(os.tmpdir(), "guard-snapshot-"));
const META = path.join(DIR, "guard-snapshot.json");
const BLOB = path.join(DIR, "guard-snapshot.blob");

interface Run { status: number | null; stdout: string; stderr: string }

function guard(args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const r = spawnSync(process.execPath, [GUARD, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, GUARD_SNAPSHOT_DIR: DIR, ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readMeta = () => JSON.parse(fs.readFileSync(META, "utf8")) as { key: string; ok: boolean; error?: string };
const fixture = (p: string) => path.relative(ROOT, path.join(FIXTURES, p));

describe("manifest checker start-up snapshot", function () {
    this.timeout(180000);
    after(() => fs.rmSync(DIR, { recursive: true, force: true }));

    before(() => {
        // Builds the compiled checker and the snapshot if they are stale, so the tests below time nothing else.
        assert.strictEqual(guard(["--help"]).status, 2);
    });

    const cases: [string, string[]][] = [
        ["custom resources with violations (text)", [fixture("checker/mesh")]],
        ["custom resources with violations (json)", ["--format", "json", fixture("checker/mesh")]],
        ["only built-in kinds", [fixture("reserved-proxy-uid")]],
        ["schema findings from CRD rules", ["--format", "json", fixture("schema-conformance")]],
        ["advisory violations only", [fixture("checker/advisory")]],
        ["a YAML error", [fixture("checker/broken/bad.yaml")]],
        ["a config", ["--config", fixture("checker/config-external.json"), fixture("checker/mesh")]],
    ];
    for (const [what, args] of cases) {
        it(`reports what the checker reports without it: ${what}`, () => {
            const fromSnapshot = guard(args);
            assert.strictEqual(readMeta().ok, true, readMeta().error);
            assert.deepStrictEqual(fromSnapshot, guard(args, { GUARD_SNAPSHOT: "off" }));
        });
    }

    it("is rebuilt when what it was built from changed", () => {
        fs.writeFileSync(META, JSON.stringify({ key: "built from something else", ok: true }));
        const before = fs.statSync(BLOB).mtimeMs;
        const r = guard([fixture("checker/advisory")]);
        assert.strictEqual(r.status, 0, r.stderr);
        const meta = readMeta();
        assert.strictEqual(meta.ok, true);
        assert.notStrictEqual(meta.key, "built from something else");
        assert.ok(fs.statSync(BLOB).mtimeMs > before);
    });

    it("is rebuilt after a pack source changed, from the recompiled checker", () => {
        const before = readMeta().key;
        const source = path.join(ROOT, "policy-pack", "checker", "warmup.ts");
        const now = new Date();
        fs.utimesSync(source, now, now);
        const r = guard([fixture("checker/advisory")]);
        assert.strictEqual(r.status, 0, r.stderr);
        const compiled = fs.statSync(path.join(ROOT, "dist", "policy-pack", "checker", "cli.js")).mtimeMs;
        assert.ok(compiled >= now.getTime() - 1000, "the checker was not recompiled");
        assert.notStrictEqual(readMeta().key, before);
        assert.strictEqual(readMeta().ok, true);
    });

    it("is rebuilt when its blob is missing", () => {
        fs.rmSync(BLOB);
        assert.strictEqual(guard([fixture("checker/advisory")]).status, 0);
        assert.ok(fs.existsSync(BLOB));
    });

    it("is not retried after a failed build until what it is built from changes; the checker runs without it", () => {
        const meta = readMeta();
        fs.writeFileSync(META, JSON.stringify({ key: meta.key, ok: false, error: "failed on purpose" }));
        try {
            const args = ["--format", "json", fixture("checker/mesh")];
            const r = guard(args);
            assert.deepStrictEqual(r, guard(args, { GUARD_SNAPSHOT: "off" }));
            assert.strictEqual(r.stderr, "");
            assert.strictEqual(readMeta().error, "failed on purpose");
        } finally {
            fs.writeFileSync(META, JSON.stringify(meta));
        }
    });
});

describe("preloaded CRD documents", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crd-preload-"));
    const file = path.join(dir, "widgets.yaml");
    const crd = (kind: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${kind.toLowerCase()}s.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: ${kind}}
  versions:
  - name: v1
    served: true
    schema:
      openAPIV3Schema: {type: object}
`;

    it("are the ones readDocuments returns while the file holds the same text", () => {
        fs.writeFileSync(file, crd("Widget"));
        const kinds = preloadCrds([dir]);
        assert.deepStrictEqual(kinds.map(k => `${k.apiVersion} ${k.kind}`), ["example.com/v1 Widget"]);
        assert.strictEqual(readDocuments(file)[0], readDocuments(file)[0]);
    });

    it("have their schemas without descriptions", () => {
        fs.writeFileSync(file, crd("Widget").replace("openAPIV3Schema: {type: object}", "openAPIV3Schema: {type: object, description: a widget}"));
        const [kind] = preloadCrds([dir]);
        assert.deepStrictEqual(kind.schema, { type: "object" });
    });

    it("are not used once the file's text changed", () => {
        fs.writeFileSync(file, crd("Widget"));
        preloadCrds([dir]);
        fs.writeFileSync(file, crd("Gadget"));
        const docs = readDocuments(file) as { spec: { names: { kind: string } } }[];
        assert.strictEqual(docs[0].spec.names.kind, "Gadget");
    });
});

describe("CRD file order", () => {
    it("is localeCompare's, with or without the collator", () => {
        const names = [
            "cert-manager.io_certificates.yaml", "cert-manager.io_certificaterequests.yaml", "cert-manager.io_issuers.yaml",
            "metallb.io_ipaddresspools.yaml", "metallb-v0.16.1", "a_b.yaml", "a.b.yaml", "a-b.yaml", "A.yaml", "a.yaml",
            "b.yaml", "B2.yaml", "b10.yaml", "b9.yaml", "z", "Z", "crd-all.gen.yaml", "crd-all.yaml", "é.yaml", "e.yaml",
        ];
        for (const a of names) {
            for (const b of names) assert.strictEqual(Math.sign(compareNames(a, b)), Math.sign(a.localeCompare(b)), `${a} vs ${b}`);
        }
    });
});

describe("withoutDescriptions", () => {
    it("drops the description of every schema node and keeps the rest in order", () => {
        const schema = {
            description: "root", type: "object", required: ["spec"],
            properties: {
                spec: {
                    type: "object", description: "the spec",
                    properties: {
                        description: { type: "string", description: "a field named description" },
                        items: { type: "array", items: { type: "string", description: "an item" } },
                        labels: { type: "object", additionalProperties: { type: "string", description: "a value" } },
                        choice: { oneOf: [{ description: "one", required: ["a"] }], not: { description: "not", required: ["b"] } },
                        note: { type: "object", default: { description: "kept: a value, not a schema" } },
                    },
                },
            },
        } as unknown as SchemaNode;
        const stripped = withoutDescriptions(schema);
        assert.strictEqual(JSON.stringify(stripped), JSON.stringify({
            type: "object", required: ["spec"],
            properties: {
                spec: {
                    type: "object",
                    properties: {
                        description: { type: "string" },
                        items: { type: "array", items: { type: "string" } },
                        labels: { type: "object", additionalProperties: { type: "string" } },
                        choice: { oneOf: [{ required: ["a"] }], not: { required: ["b"] } },
                        note: { type: "object", default: { description: "kept: a value, not a schema" } },
                    },
                },
            },
        }));
        assert.strictEqual((schema as { description?: string }).description, "root");
    });
});
