import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SchemaValidator } from "../../../policy-pack/schema";
import { parseArgs, run } from "../../../policy-pack/schema/cli";
import { documentLines, pathKeys } from "../../../policy-pack/schema/input";

const validator = new SchemaValidator();
let dir: string;

function write(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
}

const GOOD = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
`;

const BAD = `# a route with a zero timeout
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: shop
spec:
  hosts: [shop]
  http:
  - route:
    - destination: {host: shop}
    timeout: 0s
`;

describe("validate CLI", () => {
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "validate-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true }));

    it("exits 0 when every object is valid, and says how many it read", () => {
        const r = run([write("good.yaml", GOOD)], validator);
        assert.deepStrictEqual([r.code, r.stdout], [0, "2 objects in 1 files: all valid\n"]);
    });

    it("exits 1 on an invalid object and names file, line, resource, path and rule", () => {
        const file = write("bad.yaml", BAD);
        const r = run([file], validator);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(
            r.stdout.split("\n")[0],
            `${file}:12: networking.istio.io/v1 VirtualService shop/shop: spec.http[0].timeout: must be a valid duration greater than 1ms (value: "0s") ` +
                "[cel at virtualservices.networking.istio.io v1: openAPIV3Schema.properties.spec.properties.http.items.properties.timeout.x-kubernetes-validations[0]: duration(self) >= duration('1ms')]",
        );
    });

    it("reads directories recursively and multi-document files", () => {
        write("a/good.yaml", GOOD);
        write("a/b/bad.yml", BAD);
        write("a/notes.txt", "not yaml: [");
        const r = run([dir], validator);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /3 objects in 2 files: 1 findings\n$/);
    });

    it("prints JSON findings with --format json", () => {
        const file = write("bad.yaml", BAD);
        const out = JSON.parse(run(["--format", "json", file], validator).stdout);
        assert.deepStrictEqual(
            [out.objects, out.valid, out.findings[0].path, out.findings[0].line, out.findings[0].file],
            [1, false, "spec.http[0].timeout", 12, file],
        );
    });

    it("exits 2 on YAML it cannot parse, naming file and line", () => {
        const file = write("broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: [a,\n");
        const r = run([file], validator);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stderr, `error: ${file}:4: unexpected end of the stream within a flow collection\n`);
    });

    it("exits 2 on a path that does not exist", () => {
        const r = run([path.join(dir, "missing.yaml")], validator);
        assert.deepStrictEqual([r.code, r.stderr], [2, `error: ${path.join(dir, "missing.yaml")}: no such file or directory\n`]);
    });

    it("exits 2 when the schemas cannot be loaded, naming the source and the variables", () => {
        const r = run([write("good.yaml", GOOD)], new SchemaValidator({ crdSources: [path.join(dir, "no-crds")] }));
        assert.deepStrictEqual(
            [r.code, r.stderr],
            [2, `error: CRD source ${path.join(dir, "no-crds")} does not exist (check ISTIO_MESH_SHARED, ISTIO_MESH_CHARTS, ISTIO_MESH_CRDS)\n`],
        );
    });

    it("reads YAML 1.1 booleans as kubectl does, so an unquoted yes in an annotation fails", () => {
        const file = write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations:\n    example.com/managed: yes\n");
        const r = run([file], validator);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /ns\.yaml:6: v1 Namespace shop: metadata\.annotations\[example\.com\/managed\]: must be of type string, not boolean/);
    });

    it("keeps true, false and dates as kubectl reads them", () => {
        const file = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {day: 2024-01-01}\nimmutable: true\n");
        assert.strictEqual(run([file], validator).code, 0);
    });

    it("expands List objects", () => {
        const file = write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: Bad_Name}\n");
        const r = run([file], validator);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /list\.yaml:6: v1 Namespace Bad_Name: metadata\.name: name must be a lowercase RFC 1123 label/);
    });

    it("can skip kinds without a schema", () => {
        const file = write("widget.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n");
        assert.strictEqual(run([file], validator).code, 1);
        assert.strictEqual(run(["--ignore-missing-schemas", file], validator).code, 0);
    });

    it("rejects unknown options and a bad --format with exit 2", () => {
        assert.strictEqual(run(["--frmat", "json", "x"], validator).code, 2);
        assert.throws(() => parseArgs(["--format", "xml", "x"]), /--format takes text or json, not xml/);
    });
});

describe("validate CLI input helpers", () => {
    it("finds the start line of every document as js-yaml counts them", () => {
        assert.deepStrictEqual(documentLines("a: 1\n---\nb: 2\n"), [1, 2]);
        assert.deepStrictEqual(documentLines("# c\n---\na: 1\n---\n---\nb: 1\n"), [2, 4, 5]);
    });

    it("splits a rendered path into keys", () => {
        assert.deepStrictEqual(pathKeys("metadata.labels[app.kubernetes.io/name]"), ["metadata", "labels", "app.kubernetes.io/name"]);
        assert.deepStrictEqual(pathKeys("spec.http[0].timeout"), ["spec", "http", 0, "timeout"]);
    });
});
