/** The CRD reader's cache and helpers (preloaded documents, file order, descriptions dropped). */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compareNames, preloadCrds, readDocuments, withoutDescriptions } from "../../policy-pack/schema/crds";
import { SchemaNode } from "../../policy-pack/schema/types";

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
        assert.deepStrictEqual(
            kinds.map((k) => `${k.apiVersion} ${k.kind}`),
            ["example.com/v1 Widget"],
        );
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
            "cert-manager.io_certificates.yaml",
            "cert-manager.io_certificaterequests.yaml",
            "cert-manager.io_issuers.yaml",
            "metallb.io_ipaddresspools.yaml",
            "metallb-v0.16.1",
            "a_b.yaml",
            "a.b.yaml",
            "a-b.yaml",
            "A.yaml",
            "a.yaml",
            "b.yaml",
            "B2.yaml",
            "b10.yaml",
            "b9.yaml",
            "z",
            "Z",
            "crd-all.gen.yaml",
            "crd-all.yaml",
            "é.yaml",
            "e.yaml",
        ];
        for (const a of names) {
            for (const b of names) assert.strictEqual(Math.sign(compareNames(a, b)), Math.sign(a.localeCompare(b)), `${a} vs ${b}`);
        }
    });
});

describe("withoutDescriptions", () => {
    it("drops the description of every schema node and keeps the rest in order", () => {
        const schema = {
            description: "root",
            type: "object",
            required: ["spec"],
            properties: {
                spec: {
                    type: "object",
                    description: "the spec",
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
        assert.strictEqual(
            JSON.stringify(stripped),
            JSON.stringify({
                type: "object",
                required: ["spec"],
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
            }),
        );
        assert.strictEqual((schema as { description?: string }).description, "root");
    });
});
